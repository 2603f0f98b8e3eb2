// The messages module's public face (ARCHITECTURE §2a): the only file other modules and app.ts
// import from messages. The accept call and its hooks, the message events, the services of the
// message store, inbox, opt-out list, templates and callbacks (MS-1…MS-9).
export * from './messages.contract.js';
export type { MessagePriority, MessageSource, MessageStatus } from './messages.tables.js';
export { FINAL_STATUSES, MESSAGE_STATUSES } from './messages.tables.js';
export { MESSAGE_INBOUND_EVENT, type MessageInboundEvent } from './inbox.service.js';
export { AcceptService } from './accept.service.js';
export { MessageService } from './messages.service.js';
export { InboxService } from './inbox.service.js';
export { OptOutKeywordService } from './suppression.keywords.js';
export { SuppressionService } from './suppression.service.js';
export { TemplateService } from './templates.service.js';
export { CallbackDispatcher } from './callbacks.dispatcher.js';
export { CallbackOutbox } from './callbacks.outbox.js';
export { CallbackService } from './callbacks.service.js';
export { buildMessages, registerMessagesModule, type MessagesServices } from './messages.module.js';
export { CallbackRepository } from './callbacks.repository.js';
export { MessageRepository } from './messages.repository.js';
export { LifecycleService, type FailoverRoutes, type LifecycleBilling } from './lifecycle.service.js';
export { failoverRoutes, lifecycleBilling, providerTraffic } from './messages.adapters.js';
export type { StatusChange, TransitionWriter } from './lifecycle.effects.js';

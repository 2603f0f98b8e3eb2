// The Messages menu group (MS-1…MS-9): send a test message with a live quote, the outbox and
// one message's page, the inbox, templates, the suppression list, the callback log and the
// delivery queues. Children with absolute paths keep their own URLs inside the group.
import { SendOutlined } from '@ant-design/icons-vue';
import type { RouteRecordRaw } from 'vue-router';

const routes: RouteRecordRaw[] = [
  {
    path: 'messages',
    meta: { titleKey: 'messages.title', icon: SendOutlined, order: 33 },
    children: [
      {
        path: 'send',
        name: 'messages-send',
        component: () => import('@/views/messages/send.vue'),
        meta: { titleKey: 'messages.send.title', permission: 'messages:message:send', order: 1 },
      },
      {
        path: 'outbox',
        name: 'messages-outbox',
        component: () => import('@/views/messages/outbox.vue'),
        meta: { titleKey: 'messages.outbox.title', permission: 'messages:message:read', order: 2 },
      },
      {
        path: ':id([0-9a-fA-F-]{36})',
        name: 'messages-detail',
        component: () => import('@/views/messages/detail.vue'),
        meta: { titleKey: 'messages.detail.title', hideInMenu: true, permission: 'messages:message:read' },
      },
      {
        path: '/inbox',
        name: 'messages-inbox',
        component: () => import('@/views/messages/inbox/list.vue'),
        meta: { titleKey: 'inbox.title', order: 3, permission: 'messages:inbox:read' },
      },
      {
        path: '/inbox/keywords',
        name: 'messages-inbox-keywords',
        component: () => import('@/views/messages/inbox/keywords.vue'),
        meta: { titleKey: 'inbox.keywords.title', order: 3.1, permission: 'messages:inbox-keyword:read' },
      },
      {
        path: '/templates',
        name: 'templates-list',
        component: () => import('@/views/messages/templates/list.vue'),
        meta: { titleKey: 'templates.title', order: 4, permission: 'messages:template:read' },
      },
      {
        path: '/templates/new',
        name: 'templates-new',
        component: () => import('@/views/messages/templates/form.vue'),
        meta: { titleKey: 'templates.create', hideInMenu: true, permission: 'messages:template:create' },
      },
      {
        path: '/templates/:id',
        name: 'templates-edit',
        component: () => import('@/views/messages/templates/form.vue'),
        meta: { titleKey: 'templates.edit', hideInMenu: true, permission: 'messages:template:read' },
      },
      {
        path: '/suppressions',
        name: 'messages-suppressions',
        component: () => import('@/views/messages/suppressions/list.vue'),
        meta: { titleKey: 'suppressions.title', order: 5, permission: 'messages:suppression:read' },
      },
      {
        path: '/suppressions/keywords',
        name: 'messages-optout-keywords',
        component: () => import('@/views/messages/suppressions/keywords.vue'),
        meta: {
          titleKey: 'suppressions.keywords.title',
          order: 5.1,
          permission: 'messages:optout-keyword:read',
        },
      },
      {
        path: '/callbacks',
        name: 'callbacks-list',
        component: () => import('@/views/messages/callbacks/list.vue'),
        meta: { titleKey: 'callbacks.title', order: 6, permission: 'messages:callback:read' },
      },
      {
        path: '/delivery/queues',
        name: 'delivery-queues',
        component: () => import('@/views/messages/queues.vue'),
        meta: { titleKey: 'messages.queues.title', permission: 'monitoring:queue:read', order: 7 },
      },
    ],
  },
];

export default routes;

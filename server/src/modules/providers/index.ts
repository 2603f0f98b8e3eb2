// The providers module's public face (ARCHITECTURE §2a): the only file other modules and app.ts
// import from providers. Provider records, costs, live connectors, health and freeze (DL-1/4/5).
export {
  ProviderRegistry,
  FREEZE_AFTER_FAILURES,
  type ProviderSnapshot,
  type StatusChange,
} from './provider-registry.js';
export { ProviderService } from './providers.service.js';
export { registerProvidersModule, type Providers } from './providers.module.js';
export { ProviderSystemMailer, type SystemMailer } from './system-mailer.js';

// The SMPP server module's public face (ARCHITECTURE §2a): the only file other modules and
// app.ts import from it. Sending accounts bind as ESMEs (DL-8).
export { SmppServer } from './smpp-server.js';
export { registerSmppServerModule } from './smpp-server.module.js';

// Connectors by provider type: the providers module stores a provider's settings and builds its
// connector here; the engine only sees the Connector interface.
import { HttpConnector, type HttpConnectorOptions } from './http/http-connector.js';
import { SmppConnector, type SmppConnectorOptions } from './smpp/smpp-connector.js';
import { SmtpConnector, type SmtpConnectorOptions } from './smtp/smtp-connector.js';
import type { Connector } from './types.js';

export type ConnectorConfig =
  | ({ type: 'smpp' } & SmppConnectorOptions)
  | ({ type: 'smtp' } & SmtpConnectorOptions)
  | ({ type: 'http' } & HttpConnectorOptions);

export function createConnector(config: ConnectorConfig): Connector {
  switch (config.type) {
    case 'smpp': {
      const { type: _type, ...options } = config;
      return new SmppConnector(options);
    }
    case 'smtp': {
      const { type: _type, ...options } = config;
      return new SmtpConnector(options);
    }
    case 'http': {
      const { type: _type, ...options } = config;
      return new HttpConnector(options);
    }
  }
}

export * from './types.js';
export {
  DEFAULT_INBOUND_MAPPING,
  HttpConnector,
  parseHttpInbound,
  parseHttpReceipts,
  type HttpConnectorOptions,
  type HttpInboundMapping,
  type HttpReceiptMapping,
} from './http/http-connector.js';
export { SmppBindError, SmppConnector, type SmppConnectorOptions } from './smpp/smpp-connector.js';
export { normalizeProviderMessageId, type MessageIdFormat } from '../../lib/smpp/index.js';
export { classifySmtpError, SmtpConnector, type SmtpConnectorOptions } from './smtp/smtp-connector.js';

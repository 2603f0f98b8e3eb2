// Table types of the SMPP server module (see migrations/20261123_1600_smpp_server.ts).

export interface SmppPendingDeliveriesTable {
  id: string;
  enterprise_id: string;
  sending_account_id: string;
  kind: 'receipt' | 'mo';
  /** The message (receipt) or inbound message (MO) the deliver_sm is about. */
  ref_id: string;
  /** JSON of the deliver_sm fields; octet values as `{ "hex": "…" }`. */
  pdu: string;
  expires_at: string;
  created_at: string;
}

declare module '../../platform/db/schema.js' {
  interface Database {
    smpp_pending_deliveries: SmppPendingDeliveriesTable;
  }
}

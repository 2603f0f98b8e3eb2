// SMPP 3.4 for Pigeon's three SMPP peers (the carrier connector, the customer SMPP server, the
// SMSC simulator): the PDU codec and a session on net/tls sockets, command statuses and their
// classification, TLVs, SMPP times, receipts, message-id forms, concatenation and reassembly.
// Pure: imports node and lib/sms only.
export * from './address.js';
export * from './concat.js';
export * from './decode.js';
export * from './encode.js';
export * from './constants.js';
export * from './listener.js';
export * from './message-id.js';
export * from './pdu.js';
export * from './reassembly.js';
export * from './receipt.js';
export * from './session.js';
export * from './submit.js';
export * from './time.js';
export * from './tlv.js';
export * from './token-bucket.js';

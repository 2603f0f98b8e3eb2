// Pigeon's SMPP server (DL-8) as the console calls it: the live binds and disconnecting one.
import { client, silentFetch, unwrap, type ApiItem } from '@/api/client';

export type SmppBind = ApiItem<'/api/v1/smpp/binds'>;

export const smppApi = {
  /** `quiet`: a background refresh, whose failure just waits for the next one. */
  binds: (quiet = false) => unwrap(client.GET('/api/v1/smpp/binds', quiet ? { fetch: silentFetch } : {})),
  disconnect: (id: string) =>
    unwrap(client.POST('/api/v1/smpp/binds/{id}/disconnect', { params: { path: { id } } })),
};

// Submit results and receipts (MS-3, MS-4, DL-3, DL-6, RT-4), written by the lifecycle in one
// transaction per engine batch: attempts and parts are inserted, every message moves through
// `LifecycleService.transition` (refunds, callback outbox), receipts that beat their submit
// result are stored as pending and applied when it lands. Decisions that need other modules
// (the failover route) are made before the transaction opens.
import { sql, type Transaction } from 'kysely';
import type { Database } from '../../platform/db/schema.js';
import { newId } from '../../platform/ids.js';
import {
  combinePartStates,
  isFinalReceiptStatus,
  type DeliveryReceipt,
} from '../../delivery/connectors/types.js';
import type { ReceiptReport, Requeue, SubmitReport } from '../../delivery/ports.js';
import type { MessageRow } from './messages.repository.js';
import type {
  MessageAttemptsTable,
  MessagePartsTable,
  MessageStatus,
  PendingReceiptsTable,
} from './messages.tables.js';
import type { AfterCommit } from './lifecycle.effects.js';
import { PENDING_RECEIPT_KEEP_MS, requeueOf, type LifecycleService } from './lifecycle.service.js';

const MAX_BACKOFF_MS = 5 * 60_000;

/** What becomes of one submit result. */
type Decision =
  | { kind: 'sent' | 'delivered'; report: SubmitReport; row: MessageRow }
  | { kind: 'failed' | 'expired'; report: SubmitReport; row: MessageRow; code: string; message: string }
  | {
      kind: 'retry';
      report: SubmitReport;
      row: MessageRow;
      code: string;
      message: string;
      providerId: string;
      cost: number | null;
      due: number;
      tried: string[];
    };

interface ReceiptItem {
  providerId: string;
  receipt: DeliveryReceipt;
  /** Set when it was stored as pending before. */
  pendingId?: string;
}

export async function recordOutcomes(
  lc: LifecycleService,
  results: readonly SubmitReport[],
  receipts: readonly ReceiptReport[],
): Promise<Requeue[]> {
  const { repo, clock } = lc.deps;
  const decisions = await decide(lc, results);
  const now = clock.now();
  const nowIso = new Date(now).toISOString();
  const retries: Requeue[] = [];
  await lc.run(async (trx, fx) => {
    const attempts: MessageAttemptsTable[] = [];
    const parts: MessagePartsTable[] = [];
    for (const d of decisions) {
      attempts.push(attemptRow(d));
      if (d.kind === 'sent' || d.kind === 'delivered') {
        if (d.report.result.ok) {
          d.report.result.providerMessageIds.forEach((pmid, i) =>
            parts.push({
              id: newId(),
              message_id: d.row.id,
              part_index: i,
              provider_id: d.report.providerId,
              provider_message_id: pmid,
              receipt_status: null,
              provider_status: null,
              error_code: null,
              submitted_at: new Date(d.report.finishedAt).toISOString(),
              receipt_at: null,
            }),
          );
        }
      }
    }
    await repo.insertAttempts(trx, attempts);
    await repo.insertParts(trx, parts);
    const done = { lease_until: null, lease_owner: null, next_attempt_at: null };
    const bump = sql<number>`attempts + 1`;
    for (const kind of ['sent', 'delivered'] as const) {
      const rows = decisions.filter((d) => d.kind === kind).map((d) => d.row);
      await lc.transition(trx, fx, rows, kind, {
        ...done,
        sent_at: nowIso,
        ...(kind === 'delivered' ? { done_at: nowIso } : {}),
        attempts: bump,
        error_code: null,
        error_message: null,
      });
    }
    for (const [key, group] of groupBy(
      decisions.filter((d) => d.kind === 'failed' || d.kind === 'expired'),
      (d) => JSON.stringify([d.kind, 'code' in d ? d.code : '', 'message' in d ? d.message : '']),
    )) {
      const [kind, code, message] = JSON.parse(key) as ['failed' | 'expired', string, string];
      await lc.transition(
        trx,
        fx,
        group.map((d) => d.row),
        kind,
        { ...done, done_at: nowIso, attempts: bump, error_code: code, error_message: message.slice(0, 500) },
      );
    }
    for (const d of decisions) {
      if (d.kind !== 'retry') {
        continue;
      }
      const [change] = await lc.transition(trx, fx, [d.row], 'queued', {
        lease_until: null,
        lease_owner: null,
        provider_id: d.providerId,
        attempts: d.row.attempts + 1,
        next_attempt_at: d.due > now ? new Date(d.due).toISOString() : null,
        tried_providers: JSON.stringify(d.tried),
        error_code: d.code,
        error_message: d.message.slice(0, 500),
        ...(d.providerId !== d.report.providerId ? { cost: d.cost } : {}),
      });
      if (change) {
        retries.push(requeueOf(change.row, d.due));
      }
    }
    // Receipts: this batch's, and stored ones for the parts just written.
    const items: ReceiptItem[] = receipts.map((r) => ({ providerId: r.providerId, receipt: r.receipt }));
    if (parts.length > 0) {
      const pending = await repo.pendingReceiptsFor(
        trx,
        parts.map((p) => p.provider_message_id),
      );
      items.push(...pending.map(pendingItem));
    }
    await applyReceipts(lc, trx, fx, items, nowIso);
  });
  for (const d of decisions) {
    lc.leased.delete(d.row.id);
  }
  return retries;
}

/** Applies stored receipts whose part exists now (the periodic re-match). */
export async function applyPendingReceipts(
  lc: LifecycleService,
  pending: readonly PendingReceiptsTable[],
): Promise<void> {
  const nowIso = lc.deps.clock.iso();
  await lc.run((trx, fx) => applyReceipts(lc, trx, fx, pending.map(pendingItem), nowIso));
}

function pendingItem(p: PendingReceiptsTable): ReceiptItem {
  const receipt = JSON.parse(p.receipt) as DeliveryReceipt;
  return { providerId: p.provider_id, receipt, pendingId: p.id };
}

async function decide(lc: LifecycleService, results: readonly SubmitReport[]): Promise<Decision[]> {
  const { repo, clock, routes } = lc.deps;
  const { maxAttempts, retryBaseMs } = lc.settings;
  const missing = results.filter((r) => !lc.leased.has(r.id)).map((r) => r.id);
  const loaded =
    missing.length > 0 ? new Map((await repo.rows(repo.db, missing)).map((r) => [r.id, r])) : null;
  const now = clock.now();
  const out: Decision[] = [];
  for (const report of results) {
    const row = lc.leased.get(report.id) ?? loaded?.get(report.id);
    if (!row) {
      continue;
    }
    const r = report.result;
    if (r.ok) {
      // An SMTP server's 250 is the last word e-mail gets: the receiving side took it.
      out.push({ kind: row.channel === 'email' ? 'delivered' : 'sent', report, row });
      continue;
    }
    const attempt = row.attempts + 1;
    if (r.kind === 'permanent' || attempt >= maxAttempts) {
      out.push({ kind: 'failed', report, row, code: r.code, message: r.message });
      continue;
    }
    // Failover: the next route not tried yet, at once; else the same provider after an
    // exponential backoff with jitter (or what the provider asked for).
    const tried = [...new Set([...(JSON.parse(row.tried_providers) as string[]), report.providerId])];
    const next = await routes.next(row, new Set(tried));
    const backoff = Math.min(MAX_BACKOFF_MS, retryBaseMs * 2 ** (attempt - 1));
    const jittered = Math.round(backoff * (0.5 + Math.random() * 0.5));
    const due = next ? now : now + Math.max(jittered, r.retryAfterMs ?? 0);
    if (row.expires_at && Date.parse(row.expires_at) <= due) {
      out.push({ kind: 'expired', report, row, code: r.code, message: r.message });
      continue;
    }
    out.push({
      kind: 'retry',
      report,
      row,
      code: r.code,
      message: r.message,
      providerId: next?.providerId ?? report.providerId,
      cost: next ? next.cost : null,
      due,
      tried,
    });
  }
  return out;
}

function attemptRow(d: Decision): MessageAttemptsTable {
  const r = d.report.result;
  const outcome =
    d.kind === 'sent' || d.kind === 'delivered' ? 'sent' : d.kind === 'failed' ? 'failed' : 'retry';
  return {
    id: newId(),
    message_id: d.row.id,
    attempt: d.row.attempts + 1,
    provider_id: d.report.providerId,
    outcome,
    error_code: r.ok ? null : r.code,
    error_message: r.ok ? null : r.message.slice(0, 500),
    latency_ms: Math.max(0, Math.round(d.report.finishedAt - d.report.startedAt)),
    started_at: new Date(d.report.startedAt).toISOString(),
    finished_at: new Date(d.report.finishedAt).toISOString(),
  };
}

/**
 * Matches receipts to parts (by provider and normalized provider message id, in any order,
 * duplicates ignored), stores those whose part is not written yet, and gives each message whose
 * parts are all final its one final state.
 */
async function applyReceipts(
  lc: LifecycleService,
  trx: Transaction<Database>,
  fx: AfterCommit,
  items: readonly ReceiptItem[],
  nowIso: string,
): Promise<void> {
  if (items.length === 0) {
    return;
  }
  const { repo, clock } = lc.deps;
  const found = await repo.partsByProviderMessageIds(
    trx,
    items.map((i) => i.receipt.providerMessageId),
  );
  const partOf = new Map(found.map((p) => [`${p.provider_id}|${p.provider_message_id}`, p]));
  const updates = new Map<string, { part: MessagePartsTable; receipt: DeliveryReceipt }>();
  const consumed: string[] = [];
  const pending: PendingReceiptsTable[] = [];
  const expires = new Date(clock.now() + PENDING_RECEIPT_KEEP_MS).toISOString();
  for (const it of items) {
    const part = partOf.get(`${it.providerId}|${it.receipt.providerMessageId}`);
    if (!part) {
      if (!it.pendingId) {
        pending.push({
          id: newId(),
          provider_id: it.providerId,
          provider_message_id: it.receipt.providerMessageId,
          receipt: JSON.stringify(it.receipt),
          received_at: nowIso,
          expires_at: expires,
        });
      }
      continue;
    }
    if (it.pendingId) {
      consumed.push(it.pendingId);
    }
    if (part.receipt_status && isFinalReceiptStatus(part.receipt_status as DeliveryReceipt['status'])) {
      continue;
    }
    const prev = updates.get(part.id);
    if (!prev || !isFinalReceiptStatus(prev.receipt.status)) {
      updates.set(part.id, { part, receipt: it.receipt });
    }
  }
  await repo.insertPendingReceipts(trx, pending);
  lc.counters.pendingReceipts += pending.length;
  await repo.deletePendingReceipts(trx, consumed);
  if (updates.size === 0) {
    return;
  }
  for (const [key, group] of groupBy([...updates.values()], (u) =>
    JSON.stringify([u.receipt.status, u.receipt.providerStatus, u.receipt.errorCode ?? null]),
  )) {
    const [status, providerStatus, errorCode] = JSON.parse(key) as [string, string, string | null];
    await repo.setPartReceipts(
      trx,
      group.map((u) => u.part.id),
      { receipt_status: status, provider_status: providerStatus, error_code: errorCode, receipt_at: nowIso },
    );
  }
  const messageIds = [...new Set([...updates.values()].map((u) => u.part.message_id))];
  const rows = (await repo.rows(trx, messageIds)).filter((r) => r.status === 'sent');
  const allParts = await repo.partsOfMessages(trx, messageIds);
  const partsBy = groupBy(allParts, (p) => p.message_id);
  const finals = new Map<string, { rows: MessageRow[]; status: MessageStatus; code: string | null }>();
  const delivered = new Map<string, number>();
  for (const row of rows) {
    const ps = partsBy.get(row.id) ?? [];
    const state = combinePartStates(
      ps.map((p) => (p.receipt_status ?? undefined) as DeliveryReceipt['status']),
    );
    if (state === 'pending') {
      continue;
    }
    const code = state === 'delivered' ? null : (ps.find((p) => p.error_code)?.error_code ?? null);
    delivered.set(row.id, ps.filter((p) => p.receipt_status === 'delivered').length);
    const k = `${state}|${code ?? ''}`;
    const f = finals.get(k) ?? { rows: [], status: state, code };
    f.rows.push(row);
    finals.set(k, f);
  }
  for (const f of finals.values()) {
    await lc.transition(
      trx,
      fx,
      f.rows,
      f.status,
      { done_at: nowIso, error_code: f.code },
      { partsDelivered: delivered, onlyFrom: ['sent'] },
    );
  }
}

function groupBy<T>(list: readonly T[], key: (t: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of list) {
    const k = key(item);
    const l = out.get(k);
    if (l) {
      l.push(item);
    } else {
      out.set(k, [item]);
    }
  }
  return out;
}

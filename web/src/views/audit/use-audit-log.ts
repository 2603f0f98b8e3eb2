// State shared by the three audit pages: filters → first page, "load more" with the
// cursor, and the CSV export with the same filters.
import { ref, type Ref } from 'vue';
import { message } from 'ant-design-vue';
import type { Dayjs } from 'dayjs';
import { translate } from '@/locales';
import { exportLog, listLog, type AuditLog, type AuditQuery } from './api';

export const PAGE_SIZE = 50;

export type TimeRange = [Dayjs, Dayjs] | undefined;

/** The API's `from`/`to` for a picked range (the end is exclusive on the server). */
export function rangeQuery(range: TimeRange): { from?: string; to?: string } {
  if (!range) {
    return {};
  }
  return { from: range[0].toISOString(), to: range[1].toISOString() };
}

/** Drops empty filters so they are not sent as `?actor=`. */
export function cleanQuery(query: Record<string, string | boolean | undefined>): AuditQuery {
  const out: AuditQuery = {};
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || (typeof value === 'string' && value.trim() === '')) {
      continue;
    }
    out[key] = typeof value === 'string' ? value.trim() : value;
  }
  return out;
}

export function useAuditLog<T>(log: AuditLog, query: () => AuditQuery) {
  const items = ref([]) as Ref<T[]>;
  const nextCursor = ref<string | null>(null);
  const loading = ref(false);
  const exporting = ref(false);
  /** The filters of the rows on screen, so "load more" and export match them. */
  let applied: AuditQuery = {};

  async function fetchPage(reset: boolean): Promise<void> {
    loading.value = true;
    try {
      if (reset) {
        applied = query();
      }
      const cursor = reset ? undefined : (nextCursor.value ?? undefined);
      const page = await listLog<T>(log, { ...applied, size: PAGE_SIZE, cursor });
      items.value = reset ? page.items : [...items.value, ...page.items];
      nextCursor.value = page.nextCursor;
    } catch {
      if (reset) {
        items.value = [];
        nextCursor.value = null;
      }
    } finally {
      loading.value = false;
    }
  }

  async function exportCsv(): Promise<void> {
    exporting.value = true;
    try {
      await exportLog(log, query());
      void message.success(translate('audit.exported'));
    } catch {
      // The request pipeline has shown the failure.
    } finally {
      exporting.value = false;
    }
  }

  return {
    items,
    nextCursor,
    loading,
    exporting,
    search: () => fetchPage(true),
    loadMore: () => fetchPage(false),
    exportCsv,
  };
}

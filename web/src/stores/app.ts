// Console-wide state: platform information from GET /system/info (demo flag, version) and
// the side menu's collapsed state.
import { computed, ref, shallowRef, watch } from 'vue';
import { defineStore } from 'pinia';
import { client, silentFetch, unwrap } from '@/api/client';
import type { paths } from '@/api/schema';

export type SystemInfo =
  paths['/api/v1/system/info']['get']['responses'][200]['content']['application/json']['data'];

const COLLAPSED_KEY = 'pigeon.siderCollapsed';

export const useAppStore = defineStore('app', () => {
  const systemInfo = shallowRef<SystemInfo | null>(null);
  const isDemo = computed(() => systemInfo.value?.demo === true);
  const siderCollapsed = ref(readCollapsed());

  let loading: Promise<void> | null = null;

  /** Loads platform information once; a failure leaves it empty (the banner stays hidden). */
  function loadSystemInfo(): Promise<void> {
    loading ??= unwrap(client.GET('/api/v1/system/info', { fetch: silentFetch }))
      .then((info) => {
        systemInfo.value = info;
      })
      .catch(() => {
        loading = null;
      });
    return loading;
  }

  function setSystemInfo(info: SystemInfo | null): void {
    systemInfo.value = info;
  }

  watch(siderCollapsed, (value) => {
    try {
      localStorage.setItem(COLLAPSED_KEY, value ? '1' : '0');
    } catch {
      // Storage disabled: the choice lasts for this page only.
    }
  });

  return { systemInfo, isDemo, siderCollapsed, loadSystemInfo, setSystemInfo };
});

function readCollapsed(): boolean {
  try {
    return localStorage.getItem(COLLAPSED_KEY) === '1';
  } catch {
    return false;
  }
}

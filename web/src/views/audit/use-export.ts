// The audit pages' CSV export: the filters of the rows on screen, a busy flag, a toast.
import { ref } from 'vue';
import { message } from 'ant-design-vue';
import { translate } from '@/locales';

export function useExport(run: () => Promise<void>) {
  const exporting = ref(false);
  async function exportCsv(): Promise<void> {
    exporting.value = true;
    try {
      await run();
      void message.success(translate('audit.exported'));
    } catch {
      // The request pipeline has shown the failure.
    } finally {
      exporting.value = false;
    }
  }
  return { exporting, exportCsv };
}

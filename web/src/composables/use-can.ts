// What the signed-in user may do on a page, as computed flags for its buttons:
//   const can = useCan({ create: 'customers:sender:create', remove: 'customers:sender:delete' });
//   <a-button v-if="can.create.value">
// The server enforces every permission all the same; the console only hides what it would refuse.
import { computed, type ComputedRef } from 'vue';
import { useAuthStore } from '@/stores/auth';

export function useCan<K extends string>(codes: Record<K, string>): Record<K, ComputedRef<boolean>> {
  const auth = useAuthStore();
  const out = {} as Record<K, ComputedRef<boolean>>;
  for (const key of Object.keys(codes) as K[]) {
    out[key] = computed(() => auth.hasPermission(codes[key]));
  }
  return out;
}

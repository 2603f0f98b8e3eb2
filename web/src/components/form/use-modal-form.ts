// The one create/edit dialog pattern: a model reset from `empty()` on every open, a saving flag,
// and a submit that closes the dialog, says so and reloads the list only when the server
// accepted (failures are shown by the request client, the dialog stays open with the input).
//
//   const form = useModalForm(() => ({ name: '' }), (m, id) => (id ? api.update(id, m) : api.create(m)), {
//     saved: () => t('x.saved'), done: () => list.reload(),
//   });
//   <FormModal :form="form" :title="…">…fields on form.model…</FormModal>
import { reactive, ref, type UnwrapNestedRefs } from 'vue';
import { message } from 'ant-design-vue';

export interface ModalFormOptions {
  /** The success toast. */
  saved?: () => string;
  /** After a successful save (e.g. reload the list). */
  done?: () => unknown;
}

export function useModalForm<M extends object>(
  empty: () => M,
  submit: (model: UnwrapNestedRefs<M>, editingId: string | null) => Promise<unknown>,
  options: ModalFormOptions = {},
) {
  const open = ref(false);
  const saving = ref(false);
  const editingId = ref<string | null>(null);
  const model = reactive(empty());

  /** Opens the dialog for a new object, or for editing `id` with `values`. */
  function show(values: Partial<M> = {}, id: string | null = null): void {
    Object.assign(model, empty(), values);
    editingId.value = id;
    open.value = true;
  }

  function close(): void {
    open.value = false;
  }

  async function save(): Promise<void> {
    saving.value = true;
    try {
      await submit(model, editingId.value);
      open.value = false;
      const text = options.saved?.();
      if (text) {
        void message.success(text);
      }
      await options.done?.();
    } catch {
      // Shown by the request client; the dialog keeps what was typed.
    } finally {
      saving.value = false;
    }
  }

  // One reactive object, so templates (and FormModal's prop) read `form.open`, not `.value`.
  return reactive({ open, saving, editingId, model, show, close, save });
}

export type ModalForm<M extends object = Record<string, unknown>> = ReturnType<typeof useModalForm<M>>;

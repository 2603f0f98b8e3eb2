// The one enterprise / sending-account / provider picker of the console: a select that searches
// the server as the user types and shows names, never raw ids (see EntitySelect.vue).
//
//   <EnterpriseSelect v-model:value="form.enterpriseId" />
//   <AccountSelect v-model:value="filters.sendingAccountId" :enterprise-id="filters.enterpriseId" />
//   <ProviderSelect v-model:value="providerId" channel="sms" />
import { defineComponent, h } from 'vue';
import EntitySelect from './EntitySelect.vue';
import type { EntityKind } from './names';

function entitySelect(kind: EntityKind, name: string) {
  return defineComponent({
    name,
    inheritAttrs: false,
    setup(_, { attrs }) {
      return () => h(EntitySelect, { ...attrs, kind });
    },
  });
}

export const EnterpriseSelect = entitySelect('enterprise', 'EnterpriseSelect');
export const AccountSelect = entitySelect('account', 'AccountSelect');
export const ProviderSelect = entitySelect('provider', 'ProviderSelect');
export { nameOf, rememberNames } from './names';

// What other modules' pages may embed from routing: the provider mapping of a sending account.
export { default as AccountProviders } from './AccountProviders.vue';

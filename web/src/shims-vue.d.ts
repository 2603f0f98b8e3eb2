// Lets plain TypeScript tools (ESLint's type-aware rules) see .vue imports as components;
// vue-tsc reads the real files.
declare module '*.vue' {
  import type { DefineComponent } from 'vue';
  const component: DefineComponent<object, object, unknown>;
  export default component;
}

// What a route may say about itself. Route modules set these; the side menu, the guard,
// the breadcrumb and the document title read them.
import type { Component } from 'vue';

declare module 'vue-router' {
  interface RouteMeta {
    /** i18n key of the page's title, shown in the menu, breadcrumb and browser tab. */
    titleKey?: string;
    /** Menu icon: a component from @ant-design/icons-vue. */
    icon?: Component;
    /** Permission code the user needs; the menu hides the entry and the guard shows 403. */
    permission?: string;
    /** Menu position among siblings, lower first (default 100). */
    order?: number;
    /** A page reached from elsewhere (details, forms), not a menu entry. */
    hideInMenu?: boolean;
    /** Reachable without signing in (login, 404). */
    public?: boolean;
  }
}

export {};

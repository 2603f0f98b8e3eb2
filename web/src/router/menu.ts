// Builds the side menu from route definitions: entries with a titleKey, minus those whose
// permission the user lacks, minus groups left with no entries. Labels are translated at
// render time, so the menu follows the language switch.
import type { Component } from 'vue';
import type { RouteRecordRaw } from 'vue-router';

export interface MenuEntry {
  /** The route's full path; also the menu key. */
  key: string;
  titleKey: string;
  icon?: Component;
  children?: MenuEntry[];
}

const DEFAULT_ORDER = 100;

export function joinPath(parent: string, child: string): string {
  if (child.startsWith('/')) {
    return child;
  }
  const base = parent.endsWith('/') ? parent.slice(0, -1) : parent;
  return child === '' ? base || '/' : `${base}/${child}`;
}

export function sortRoutes<T extends RouteRecordRaw>(routes: readonly T[]): T[] {
  return [...routes].sort((a, b) => (a.meta?.order ?? DEFAULT_ORDER) - (b.meta?.order ?? DEFAULT_ORDER));
}

export function buildMenu(
  routes: readonly RouteRecordRaw[],
  hasPermission: (code: string | undefined) => boolean,
  parentPath = '/',
): MenuEntry[] {
  const entries: MenuEntry[] = [];
  for (const route of sortRoutes(routes)) {
    const meta = route.meta ?? {};
    if (meta.hideInMenu || !hasPermission(meta.permission)) {
      continue;
    }
    const path = joinPath(parentPath, route.path);
    const children = route.children ? buildMenu(route.children, hasPermission, path) : undefined;
    if (!meta.titleKey) {
      // A route without a title only groups its children; they stand in its place.
      entries.push(...(children ?? []));
      continue;
    }
    if (children !== undefined && children.length === 0 && route.component === undefined) {
      continue;
    }
    entries.push({
      key: path,
      titleKey: meta.titleKey,
      ...(meta.icon ? { icon: meta.icon } : {}),
      ...(children && children.length > 0 ? { children } : {}),
    });
  }
  return entries;
}

/** Keys of the entries from the root down to `key`, or [] when it is not in the menu. */
export function menuPath(entries: readonly MenuEntry[], key: string): string[] {
  for (const entry of entries) {
    if (entry.key === key) {
      return [entry.key];
    }
    const below = entry.children ? menuPath(entry.children, key) : [];
    if (below.length > 0) {
      return [entry.key, ...below];
    }
  }
  return [];
}

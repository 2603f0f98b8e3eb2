// A short name for a session's device from its user agent ("Chrome 120 · Windows"), so the
// device list reads at a glance; the full user agent stays in the tooltip.

const BROWSERS: [RegExp, string][] = [
  [/Edg\/(\d+)/, 'Edge'],
  [/Firefox\/(\d+)/, 'Firefox'],
  [/(?:Chrome|Chromium)\/(\d+)/, 'Chrome'],
  [/Version\/(\d+)[^ ]* Safari\//, 'Safari'],
];

const SYSTEMS: [RegExp, string][] = [
  [/Windows/, 'Windows'],
  [/Android/, 'Android'],
  [/iPhone|iPad|iOS/, 'iOS'],
  [/Mac OS X|Macintosh/, 'macOS'],
  [/Linux/, 'Linux'],
];

/** "Chrome 120 · Windows", or null when the user agent names no known browser. */
export function describeDevice(userAgent: string): string | null {
  for (const [pattern, name] of BROWSERS) {
    const match = pattern.exec(userAgent);
    if (match) {
      const system = SYSTEMS.find(([p]) => p.test(userAgent))?.[1];
      const browser = `${name} ${match[1] ?? ''}`.trim();
      return system ? `${browser} · ${system}` : browser;
    }
  }
  return null;
}

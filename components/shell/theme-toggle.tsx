'use client';
import { useSyncExternalStore } from 'react';

// The theme is the `dark` class on <html>, set before paint by app/layout.tsx's script; this button
// reads it from there and follows any change to it. The server cannot know it: null until hydrated.
function subscribe(onChange: () => void): () => void {
  const observer = new MutationObserver(onChange);
  observer.observe(document.documentElement, { attributes: true, attributeFilter: ['class'] });
  return () => observer.disconnect();
}
const isDark = () => document.documentElement.classList.contains('dark');
const unknownOnServer = () => null;

export function ThemeToggle() {
  const dark = useSyncExternalStore<boolean | null>(subscribe, isDark, unknownOnServer);

  function toggle() {
    const next = !isDark();
    document.documentElement.classList.toggle('dark', next);
    localStorage.setItem('gantry-theme', next ? 'dark' : 'light');
  }

  return (
    <button
      type="button"
      onClick={toggle}
      className="rounded-md px-3 py-2 text-sm text-slate-700 hover:bg-slate-100 dark:text-slate-200 dark:hover:bg-slate-800"
      aria-label={dark ? 'Switch to light theme' : 'Switch to dark theme'}
      aria-pressed={dark ?? undefined}
    >
      {dark ? 'Light' : 'Dark'}
    </button>
  );
}

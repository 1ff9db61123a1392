// Console pages render on the server before any byte is sent (no streamed Suspense holes), so every
// page and form is complete HTML that works with JavaScript disabled. Reads are cached with 'use cache'.
export const instant = false;

export default function ConsoleLayout({ children }: { children: React.ReactNode }) {
  return children;
}

// Benchmark-only page (bench build only, see next.config.ts): the page the bench posts its own Server Actions
// to. Importing the actions is what makes Next serve them from this page.
import './actions.bench';

export default function BenchPage() {
  return <p>Benchmark build.</p>;
}

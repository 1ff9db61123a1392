export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME === 'nodejs') {
    const { onServerStart } = await import('@/server/on-start');
    await onServerStart();
  }
}

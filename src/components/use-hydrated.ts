import { useSyncExternalStore } from 'react';

const noSubscription = () => () => {};

/** False in the server's HTML and before hydration, true once JavaScript runs: for controls that need it. */
export const useHydrated = () => useSyncExternalStore(noSubscription, () => true, () => false);

// The pages other than home, loaded when first opened so that the app's first load stays small. The
// service worker has them precached, so they open offline too.
import { type FunctionComponent, h } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { LoadFailure, StatusRegion } from './components';
import type { Page, PageProps } from './pages';

type LazyPageName = Exclude<Page, 'home'>;
type PageModule = { default: FunctionComponent<PageProps> };

const LOADERS: Readonly<Record<LazyPageName, () => Promise<PageModule>>> = {
  devices: () => import('./screens/devices'),
  account: () => import('./screens/account'),
  activity: () => import('./screens/activity'),
};

export function LazyPage(props: PageProps & { page: LazyPageName }) {
  const [loaded, setLoaded] = useState<PageModule | 'failed' | null>(null);
  const [attempt, setAttempt] = useState(0);
  useEffect(() => {
    let live = true;
    LOADERS[props.page]().then(
      (module) => live && setLoaded(module),
      () => live && setLoaded('failed'),
    );
    return () => {
      live = false;
    };
  }, [attempt]);
  if (loaded === null) return <StatusRegion />;
  if (loaded !== 'failed') return h(loaded.default, props);
  // A page that cannot be fetched is, in practice, the connection: say so as the pages do.
  return (
    <LoadFailure
      reason="unreachable"
      what="this page"
      onRetry={() => {
        setLoaded(null);
        setAttempt(attempt + 1);
      }}
    />
  );
}

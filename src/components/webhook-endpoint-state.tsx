import { Badge } from '@/components/badge';
import { Timestamp } from '@/components/timestamp';
import type { WebhookEndpointDto } from '@/core/integrations';

const reasons: Record<string, string> = {
  manual: 'Disabled by hand.',
  gone: 'Disabled: the receiver answered 410 Gone.',
  failing: 'Disabled: every attempt failed for 5 days.',
  'creator-lost-access': 'Disabled: whoever made it lost the right to (suspended, demoted, deleted, or their API key revoked or expired). Enabling it makes it yours.',
};

/** Enabled or disabled (and why), and a warning while every attempt is failing. */
export function WebhookEndpointState({ endpoint }: { endpoint: WebhookEndpointDto }) {
  return (
    <div className="space-y-1">
      <Badge value={endpoint.enabled ? 'enabled' : 'disabled'} />
      {!endpoint.enabled && endpoint.disabledReason && <p className="text-xs text-slate-600">{reasons[endpoint.disabledReason] ?? endpoint.disabledReason}</p>}
      {endpoint.failingSince && (
        <p className="text-xs text-red-700">
          <Badge value="failing" /> every attempt since <Timestamp iso={endpoint.failingSince} />
        </p>
      )}
    </div>
  );
}

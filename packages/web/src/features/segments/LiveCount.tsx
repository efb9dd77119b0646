import type { Purpose } from '@careloop/contracts/vocab';
import type { SegmentCountView } from '../../api/types.ts';
import { Count } from '../../components/ui.tsx';
import { useI18n } from '../../i18n/i18n.tsx';

/**
 * The count as the server allows it: suppressed counts read "fewer than 11", perturbed ones say so
 * (R32, cell-key method); its purpose (R6).
 */
export function LiveCount({ count }: { count: SegmentCountView | null }) {
  const { t } = useI18n();
  return (
    <div className="note" aria-live="polite" data-count>
      {count ? (
        <>
          <p>
            {t('segments.count')}:{' '}
            <strong>
              <Count value={count.count} />
            </strong>
          </p>
          <p className="small">
            {t('segments.runsUnder', { purpose: t(`segments.purpose.${count.purpose as Purpose}` as const) })}
            {count.healthBased ? ` · ${t('segments.healthBasedNote')}` : ''}
            {count.perturbed ? ` · ${t('segments.perturbedNote')}` : ''}
          </p>
        </>
      ) : (
        <p>{t('segments.counting')}</p>
      )}
    </div>
  );
}

import { ApiError } from '../../api/http.ts';
import type { MessageHistoryItemView } from '../../api/types.ts';
import { ErrorNote, Loading, useApi } from '../../components/ui.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import { MESSAGES, type MessageKey } from '../../i18n/messages.ts';
import { getMessages } from './api.ts';

const SKIP_REASONS = new Set([
  'consent_missing',
  'consent_expired',
  'suppressed',
  'patient_erased',
  'patient_merged',
  'frequency_cap',
  'no_contact',
  'no_channel',
  'window_passed',
  'render_failed',
  'no_adapter',
  'processor_unregistered',
  'processor_not_covered',
]);

/** The patient's messages: channel, purpose, state, skip reason in words, time (R56). */
export function MessagesPanel({ patientId }: { patientId: string }) {
  const { t } = useI18n();
  const messages = useApi((signal) => getMessages(patientId, signal), [patientId]);
  // A role the policy keeps from engagement data simply has no history section.
  if (messages.error instanceof ApiError && messages.error.status === 403) return null;
  return (
    <section className="panel" aria-labelledby="patient-messages" data-messages>
      <h2 id="patient-messages">{t('patients.msg.title')}</h2>
      <ErrorNote error={messages.error} onRetry={messages.reload} />
      {messages.loading && !messages.data ? <Loading /> : null}
      {messages.data?.length === 0 ? <p>{t('patients.msg.none')}</p> : null}
      {messages.data && messages.data.length > 0 ? <MessageTable items={messages.data} /> : null}
    </section>
  );
}

function MessageTable({ items }: { items: MessageHistoryItemView[] }) {
  const { t, formatDateTime } = useI18n();
  // Purpose names live with the segment builder, which names every purpose.
  const purpose = (p: string) => {
    const key = `segments.purpose.${p}`;
    return key in MESSAGES.ru ? t(key as MessageKey) : p;
  };
  const reason = (r: string | null) =>
    r === null ? '' : SKIP_REASONS.has(r) ? t(`patients.msg.skip.${r}` as MessageKey) : r;
  return (
    <div className="table-wrap">
      <table>
        <caption className="small">{t('patients.msg.caption')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('patients.msg.time')}</th>
            <th scope="col">{t('patients.msg.channel')}</th>
            <th scope="col">{t('patients.msg.purpose')}</th>
            <th scope="col">{t('patients.msg.state')}</th>
            <th scope="col">{t('patients.msg.reason')}</th>
          </tr>
        </thead>
        <tbody>
          {items.map((m) => (
            <tr key={m.id} data-message-state={m.state}>
              <td>{formatDateTime(m.deliveredAt ?? m.sentAt ?? m.createdAt)}</td>
              <td>{t(`patients.msg.channel.${m.channel ?? 'none'}`)}</td>
              <td>{purpose(m.purpose)}</td>
              <td>{t(`patients.msg.state.${m.state}`)}</td>
              <td>{reason(m.skipReason)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

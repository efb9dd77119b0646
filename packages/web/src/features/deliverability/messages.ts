import { defineMessages } from '../../i18n/define.ts';

export const deliverabilityMessages = defineMessages({
  ru: {
    'deliverability.title': 'Жалобы на рассылки',
    'deliverability.intro':
      'Доля писем, на которые получатели пожаловались как на спам, за последние 24 часа по каждому домену отправителя. От {alert} — предупреждение, от {pause} рекламные письма с домена останавливаются, пока владелец не разберётся в причине и не возобновит их. Служебные письма (о записи, визите) идут без остановки.',
    'deliverability.none': 'Жалоб на рассылки не было.',
    'deliverability.domain': 'Домен отправителя',
    'deliverability.state': 'Состояние',
    'deliverability.state.ok': 'в норме',
    'deliverability.state.alert': 'предупреждение',
    'deliverability.state.paused': 'реклама остановлена',
    'deliverability.since': 'с {at}',
    'deliverability.sent': 'Писем за 24 ч',
    'deliverability.complaints': 'Жалоб',
    'deliverability.rate': 'Доля жалоб',
    'deliverability.measured': 'Измерено',
    'deliverability.resume': 'Возобновить',
    'deliverability.resumeNamed': 'Возобновить рекламу с домена {domain}',
    'deliverability.resumedNote':
      'Реклама с домена {domain} возобновлена. Прежние жалобы больше не учитываются; новые снова остановят её.',
    'deliverability.resumeHint':
      'Прежде чем возобновить: проверьте, кому ушла рассылка, есть ли у них согласие и работает ли ссылка отписки.',
    'deliverability.ownerOnly': 'Возобновить рекламу после остановки может владелец клиники.',
  },
  en: {
    'deliverability.title': 'Spam complaints',
    'deliverability.intro':
      'The share of e-mails recipients reported as spam over the last 24 hours, per sending domain. From {alert} it raises an alert; from {pause} advertising e-mail from the domain stops until the owner has found the cause and resumes it. Service e-mail (appointments, visits) keeps going.',
    'deliverability.none': 'No complaints so far.',
    'deliverability.domain': 'Sending domain',
    'deliverability.state': 'State',
    'deliverability.state.ok': 'fine',
    'deliverability.state.alert': 'alert',
    'deliverability.state.paused': 'advertising paused',
    'deliverability.since': 'since {at}',
    'deliverability.sent': 'E-mails in 24 h',
    'deliverability.complaints': 'Complaints',
    'deliverability.rate': 'Complaint rate',
    'deliverability.measured': 'Measured',
    'deliverability.resume': 'Resume',
    'deliverability.resumeNamed': 'Resume advertising from {domain}',
    'deliverability.resumedNote':
      'Advertising from {domain} is resumed. Earlier complaints no longer count; new ones will pause it again.',
    'deliverability.resumeHint':
      'Before resuming: check who the mailing went to, whether they consented and whether the unsubscribe link works.',
    'deliverability.ownerOnly': 'The clinic’s owner can resume advertising after a pause.',
  },
});

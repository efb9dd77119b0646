import { defineMessages } from '../../i18n/define.ts';

export const homeMessages = defineMessages({
  ru: {
    'home.title': 'Главная',
    'home.welcome': 'Здравствуйте, {name}',
    'home.patients': 'Пациентов',
    'home.visits12': 'Визитов за 12 месяцев',
    'home.upcoming': 'Предстоящих записей',
    'home.consents': 'Действующие согласия',
    'home.consentKind': 'Согласие',
    'home.consentPatients': 'Пациентов',
    'home.visitsChart': 'Визиты по месяцам и филиалам',
    'home.visitsChartLabel':
      'Столбчатая диаграмма: визиты по месяцам за 12 месяцев, по филиалам. Те же данные — в таблице ниже.',
    'home.month': 'Месяц',
    'home.tableCaption': 'Визиты по месяцам и филиалам',
    'home.showTable': 'Показать таблицей',
    'home.suppressed': 'Значения от 1 до 10 скрыты: ваша роль видит только агрегированные данные.',
    'home.noFigures': 'Сводные показатели недоступны для вашей роли. Начните с поиска пациента.',
    'home.asOf': 'По состоянию на {date}',
  },
  en: {
    'home.title': 'Home',
    'home.welcome': 'Hello, {name}',
    'home.patients': 'Patients',
    'home.visits12': 'Visits in 12 months',
    'home.upcoming': 'Upcoming appointments',
    'home.consents': 'Active consents',
    'home.consentKind': 'Consent',
    'home.consentPatients': 'Patients',
    'home.visitsChart': 'Visits by month and branch',
    'home.visitsChartLabel':
      'Bar chart: visits per month over 12 months, by branch. The same figures are in the table below.',
    'home.month': 'Month',
    'home.tableCaption': 'Visits by month and branch',
    'home.showTable': 'Show as a table',
    'home.suppressed': 'Values from 1 to 10 are hidden: your role sees aggregate figures only.',
    'home.noFigures': 'Key figures are not available to your role. Start by finding a patient.',
    'home.asOf': 'As of {date}',
  },
});

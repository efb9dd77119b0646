import type { SubjectPackage } from './export.ts';

const esc = (v: unknown): string =>
  String(v ?? '—').replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );

const table = (head: readonly string[], rows: readonly (readonly unknown[])[]): string =>
  rows.length === 0
    ? '<p>Нет данных / None</p>'
    : `<table><thead><tr>${head.map((h) => `<th scope="col">${esc(h)}</th>`).join('')}</tr></thead><tbody>${rows
        .map((r) => `<tr>${r.map((c) => `<td>${esc(c)}</td>`).join('')}</tr>`)
        .join('')}</tbody></table>`;

/** The readable copy of a subject's package: one self-contained page, printable to PDF. */
export function renderSubjectPackage(p: SubjectPackage): string {
  const id = p.patient.identity;
  const ct = p.patient.contact;
  return `<!doctype html>
<html lang="ru"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Ваши данные в ${esc(p.clinic.name)}</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#111}
table{border-collapse:collapse;width:100%;margin:.5rem 0 1.5rem}th,td{border:1px solid #999;padding:.3rem .5rem;text-align:left;vertical-align:top}
th{background:#eee}h2{margin-top:2rem}@media print{body{margin:0}}</style></head><body>
<h1>Сведения о ваших персональных данных / Your personal data</h1>
<p>${esc(p.clinic.name)} · сформировано / generated ${esc(p.generatedAt)}</p>
<h2>Личные данные / Identity</h2>
${table(
  ['Поле / Field', 'Значение / Value'],
  [
    ['Фамилия / Surname', id?.lastName],
    ['Имя / First name', id?.firstName],
    ['Отчество / Patronymic', id?.middleName],
    ['Дата рождения / Birth date', id?.birthDate],
    ['СНИЛС', id?.snils],
    ['Полис ОМС / OMS policy', id?.omsPolicy],
    ['Номер карты / Card', id?.cardNo],
    ['Пол / Sex', p.patient.sex],
    ['Город / City', p.patient.city],
  ],
)}
<h2>Контакты / Contacts</h2>
${table(
  ['Поле / Field', 'Значение / Value'],
  [
    ['Телефон / Phone', ct?.phone],
    ['E-mail', ct?.email],
    ['Адрес / Address', ct?.address],
  ],
)}
<h2>Предпочтения / Preferences</h2>
${table(['Язык / Language', 'Канал / Channel', 'Время / Time', 'Формат / Mode'], [[p.patient.preferences.language, p.patient.preferences.channel, p.patient.preferences.timeOfDay, p.patient.preferences.visitMode]])}
<h2>Посещения / Visits</h2>
${table(
  ['Дата / Date', 'Филиал / Branch', 'Специальность / Specialty', 'Врач / Doctor', 'Услуги / Services', '₽'],
  p.visits.map((v) => [
    v.at.slice(0, 10),
    v.branch,
    v.specialty,
    v.doctor,
    v.services.join('; '),
    v.amountRub,
  ]),
)}
<h2>Записи / Appointments</h2>
${table(
  ['Дата / Date', 'Статус / Status', 'Филиал / Branch', 'Врач / Doctor', 'Услуга / Service'],
  p.appointments.map((a) => [a.at, a.status, a.branch, a.doctor, a.service]),
)}
<h2>Согласия / Consents</h2>
${table(
  ['Вид / Kind', 'Статус / Status', 'С / Since', 'До / Until'],
  p.consents.current.map((c) => [c.kind, c.status, c.since, c.expiresAt]),
)}
${table(
  ['Когда / When', 'Вид / Kind', 'Событие / Event', 'Способ / Method', 'Текст / Text'],
  p.consents.history.map((h) => [h.at, h.kind, h.event, h.method, h.document]),
)}
<h2>Представители / Representatives</h2>
${table(
  ['Кем приходится / Relationship', 'ФИО / Name', 'Документ / Authority'],
  p.representatives.map((r) => [r.relationship, r.fullName, r.authorityDocument]),
)}
<h2>Сообщения клиники / Messages from the clinic</h2>
${table(
  [
    'Когда / When',
    'Канал / Channel',
    'Цель / Purpose',
    'Статус / State',
    'Причина пропуска / Skipped because',
    'Отправлено / Sent',
  ],
  p.messages.map((m) => [m.at, m.channel, m.purpose, m.state, m.skipReason, m.sentAt]),
)}
<h2>Ответы пациента / Replies from the patient</h2>
${table(
  ['Когда / When', 'Канал / Channel', 'Текст / Text', 'Статус / Status', 'Решение / Resolution'],
  p.replies.map((r) => [r.at, r.channel, r.text, r.status, r.resolution]),
)}
<h2>Кто обращался к данным / Who accessed the data</h2>
${table(
  ['Когда / When', 'Кто / Who', 'Действие / Action', 'Цель / Purpose', 'Итог / Outcome'],
  p.accesses.map((a) => [a.at, a.actor, a.action, a.purpose, a.outcome]),
)}
<h2>Обработчики по поручению клиники / Processors acting for the clinic</h2>
${table(
  [
    'Организация / Company',
    'Что делает / Service',
    'Страна / Country',
    'Данные / Data',
    'С / Since',
    'По / Until',
    'Сообщений вам / Messages to you',
  ],
  p.processors.map((x) => [
    x.legalName,
    x.service,
    x.country,
    x.dataClasses.join(', '),
    x.since,
    x.until,
    x.messages,
  ]),
)}
<p>Careloop эксплуатирует сама клиника; если его серверы размещает хостинг-провайдер, он указан выше. / The clinic operates Careloop itself; a hosting provider that runs its servers is listed above.</p>
</body></html>`;
}

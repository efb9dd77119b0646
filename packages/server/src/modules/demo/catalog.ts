import type { ProcessorInput } from '../processors/index.ts';
/**
 * The demo network's catalogue: two branches in different time zones, fifteen
 * specialties and a price list of consultations, diagnostics, lab panels and
 * check-ups. Prices are in kopecks.
 */
export interface DemoBranch {
  readonly code: string;
  readonly nameRu: string;
  readonly nameEn: string;
  readonly timeZone: string;
  /** Hours ahead of UTC, constant: Russia keeps no daylight saving time. */
  readonly utcOffset: number;
  readonly city: string;
  readonly address: string;
}

export const BRANCHES: readonly DemoBranch[] = [
  {
    code: 'north',
    nameRu: 'Клиника «Северная»',
    nameEn: 'North clinic',
    timeZone: 'Europe/Moscow',
    utcOffset: 3,
    city: 'Москва',
    address: 'Москва, ул. Северная, 12',
  },
  {
    code: 'ural',
    nameRu: 'Клиника «Уральская»',
    nameEn: 'Ural clinic',
    timeZone: 'Asia/Yekaterinburg',
    utcOffset: 5,
    city: 'Екатеринбург',
    address: 'Екатеринбург, пр. Ленина, 40',
  },
];

export interface DemoSpecialty {
  readonly code: string;
  readonly nameRu: string;
  readonly nameEn: string;
  readonly sensitive: boolean;
  readonly doctors: number;
  /** Who comes: sex restriction and age range. */
  readonly sex?: 'female' | 'male';
  readonly minAge?: number;
  readonly maxAge?: number;
  /** Relative share of visits. */
  readonly weight: number;
}

export const SPECIALTIES: readonly DemoSpecialty[] = [
  {
    code: 'therapy',
    nameRu: 'Терапия',
    nameEn: 'General practice',
    sensitive: false,
    doctors: 5,
    minAge: 18,
    weight: 24,
  },
  {
    code: 'pediatrics',
    nameRu: 'Педиатрия',
    nameEn: 'Paediatrics',
    sensitive: false,
    doctors: 4,
    maxAge: 17,
    weight: 12,
  },
  {
    code: 'cardiology',
    nameRu: 'Кардиология',
    nameEn: 'Cardiology',
    sensitive: false,
    doctors: 3,
    minAge: 25,
    weight: 8,
  },
  { code: 'neurology', nameRu: 'Неврология', nameEn: 'Neurology', sensitive: false, doctors: 3, weight: 7 },
  {
    code: 'gastroenterology',
    nameRu: 'Гастроэнтерология',
    nameEn: 'Gastroenterology',
    sensitive: false,
    doctors: 2,
    weight: 5,
  },
  {
    code: 'endocrinology',
    nameRu: 'Эндокринология',
    nameEn: 'Endocrinology',
    sensitive: true,
    doctors: 2,
    weight: 5,
  },
  {
    code: 'gynecology',
    nameRu: 'Гинекология',
    nameEn: 'Gynaecology',
    sensitive: true,
    doctors: 4,
    sex: 'female',
    minAge: 16,
    weight: 10,
  },
  {
    code: 'urology',
    nameRu: 'Урология',
    nameEn: 'Urology',
    sensitive: true,
    doctors: 2,
    sex: 'male',
    minAge: 18,
    weight: 4,
  },
  {
    code: 'mammology',
    nameRu: 'Маммология',
    nameEn: 'Breast clinic',
    sensitive: true,
    doctors: 2,
    sex: 'female',
    minAge: 30,
    weight: 4,
  },
  {
    code: 'ophthalmology',
    nameRu: 'Офтальмология',
    nameEn: 'Ophthalmology',
    sensitive: false,
    doctors: 3,
    weight: 6,
  },
  { code: 'ent', nameRu: 'Оториноларингология', nameEn: 'ENT', sensitive: false, doctors: 3, weight: 6 },
  {
    code: 'dermatology',
    nameRu: 'Дерматология',
    nameEn: 'Dermatology',
    sensitive: false,
    doctors: 2,
    weight: 4,
  },
  {
    code: 'orthopedics',
    nameRu: 'Травматология и ортопедия',
    nameEn: 'Orthopaedics',
    sensitive: false,
    doctors: 2,
    weight: 4,
  },
  {
    code: 'oncology',
    nameRu: 'Онкология',
    nameEn: 'Oncology',
    sensitive: true,
    doctors: 1,
    minAge: 30,
    weight: 1,
  },
  {
    code: 'psychotherapy',
    nameRu: 'Психотерапия',
    nameEn: 'Psychotherapy',
    sensitive: true,
    doctors: 2,
    minAge: 16,
    weight: 2,
  },
];

export interface DemoService {
  readonly code: string;
  readonly nameRu: string;
  readonly nameEn: string;
  readonly specialty: string;
  readonly kind: 'consultation' | 'diagnostic' | 'lab' | 'checkup' | 'procedure';
  readonly price: number;
  readonly minutes: number;
}

const consult = (s: DemoSpecialty, price: number): DemoService[] => [
  {
    code: `${s.code}.primary`,
    nameRu: `Первичный приём: ${s.nameRu.toLowerCase()}`,
    nameEn: `${s.nameEn}: first consultation`,
    specialty: s.code,
    kind: 'consultation',
    price: price * 100,
    minutes: 30,
  },
  {
    code: `${s.code}.repeat`,
    nameRu: `Повторный приём: ${s.nameRu.toLowerCase()}`,
    nameEn: `${s.nameEn}: follow-up consultation`,
    specialty: s.code,
    kind: 'consultation',
    price: Math.round(price * 0.8) * 100,
    minutes: 30,
  },
];

const PRICES: Readonly<Record<string, number>> = {
  therapy: 2500,
  pediatrics: 2600,
  cardiology: 3400,
  neurology: 3200,
  gastroenterology: 3200,
  endocrinology: 3300,
  gynecology: 3300,
  urology: 3200,
  mammology: 3400,
  ophthalmology: 2900,
  ent: 2800,
  dermatology: 3000,
  orthopedics: 3100,
  oncology: 4200,
  psychotherapy: 4500,
};

const item = (
  code: string,
  nameRu: string,
  nameEn: string,
  specialty: string,
  kind: DemoService['kind'],
  rub: number,
  minutes = 20,
): DemoService => ({ code, nameRu, nameEn, specialty, kind, price: rub * 100, minutes });

export const SERVICES: readonly DemoService[] = [
  ...SPECIALTIES.flatMap((s) => consult(s, PRICES[s.code] ?? 3000)),
  item('ecg', 'ЭКГ с расшифровкой', 'ECG with interpretation', 'cardiology', 'diagnostic', 1500),
  item('holter', 'Холтеровское мониторирование', 'Holter monitoring', 'cardiology', 'diagnostic', 4800, 30),
  item('echo', 'Эхокардиография', 'Echocardiography', 'cardiology', 'diagnostic', 4200, 40),
  item(
    'us.abdomen',
    'УЗИ органов брюшной полости',
    'Abdominal ultrasound',
    'gastroenterology',
    'diagnostic',
    3200,
    30,
  ),
  item('us.thyroid', 'УЗИ щитовидной железы', 'Thyroid ultrasound', 'endocrinology', 'diagnostic', 2200),
  item('us.pelvis', 'УЗИ органов малого таза', 'Pelvic ultrasound', 'gynecology', 'diagnostic', 2900, 30),
  item('us.breast', 'УЗИ молочных желёз', 'Breast ultrasound', 'mammology', 'diagnostic', 2700),
  item('mammography', 'Маммография', 'Mammography', 'mammology', 'diagnostic', 3500),
  item('lab.cbc', 'Общий анализ крови', 'Complete blood count', 'therapy', 'lab', 650, 10),
  item('lab.biochem', 'Биохимический анализ крови', 'Blood chemistry panel', 'therapy', 'lab', 2400, 10),
  item('lab.lipids', 'Липидный профиль', 'Lipid profile', 'cardiology', 'lab', 1400, 10),
  item('lab.hba1c', 'Гликированный гемоглобин', 'HbA1c', 'endocrinology', 'lab', 900, 10),
  item('lab.tsh', 'ТТГ', 'TSH', 'endocrinology', 'lab', 700, 10),
  item('lab.psa', 'ПСА общий', 'Total PSA', 'urology', 'lab', 900, 10),
  item(
    'eye.exam',
    'Проверка зрения и подбор очков',
    'Eye test and glasses',
    'ophthalmology',
    'diagnostic',
    1800,
  ),
  item('ent.audio', 'Аудиометрия', 'Audiometry', 'ent', 'diagnostic', 1600),
  item('vaccine.flu', 'Вакцинация от гриппа', 'Flu vaccination', 'therapy', 'procedure', 1200, 15),
  item('checkup.basic', 'Чек-ап «Базовый»', 'Basic check-up', 'therapy', 'checkup', 9900, 60),
  item('checkup.40plus', 'Чек-ап «40+»', 'Check-up 40+', 'therapy', 'checkup', 16900, 90),
  item(
    'checkup.women',
    'Чек-ап «Женское здоровье»',
    "Women's health check-up",
    'gynecology',
    'checkup',
    14500,
    90,
  ),
  item('checkup.kids', 'Чек-ап для детей', "Children's check-up", 'pediatrics', 'checkup', 8900, 60),
];

/** Extra services that tend to follow a specialist visit: [specialty, service code, probability]. */
export const ADD_ONS: readonly (readonly [string, string, number])[] = [
  ['cardiology', 'ecg', 0.6],
  ['cardiology', 'echo', 0.15],
  ['cardiology', 'lab.lipids', 0.3],
  ['cardiology', 'holter', 0.05],
  ['therapy', 'lab.cbc', 0.4],
  ['therapy', 'lab.biochem', 0.25],
  ['therapy', 'vaccine.flu', 0.05],
  ['gastroenterology', 'us.abdomen', 0.45],
  ['endocrinology', 'lab.tsh', 0.5],
  ['endocrinology', 'us.thyroid', 0.3],
  ['endocrinology', 'lab.hba1c', 0.3],
  ['gynecology', 'us.pelvis', 0.35],
  ['mammology', 'mammography', 0.55],
  ['mammology', 'us.breast', 0.35],
  ['urology', 'lab.psa', 0.4],
  ['ophthalmology', 'eye.exam', 0.5],
  ['ent', 'ent.audio', 0.15],
];

/** The demo clinic's processor register entry (R58): the SMS gateway a clinic sets up first. */
export const DEMO_PROCESSOR: ProcessorInput = {
  provider: 'sms',
  legalName: 'ООО «Демо-СМС» (вымышленная организация)',
  service: 'sms',
  role: 'processor',
  country: 'RU',
  contractRef: 'Договор поручения № Д-1 от 01.11.2026 (демо)',
  dataClasses: ['contact', 'identity', 'demographic', 'visit_timing'],
};

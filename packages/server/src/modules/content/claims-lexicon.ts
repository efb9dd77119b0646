/**
 * The R15 lexicon: word lists, space-separated so that a reviewer can read and extend them.
 * Russian is matched after «ё → е» and lower-casing; English in lower case.
 */

const list = (s: string): readonly string[] => s.trim().split(/\s+/);

/** Condition words as prefixes: every form of «заболевание», «diabetic»… */
export const CONDITION_PREFIXES = list(`
болезн заболе аденоид диагноз диабет гипертони гипотони холестерин ожирени варикоз геморро простатит
аденом цистит молочниц кариес пародонт гингивит гастрит язв рефлюкс изжог мигрен бессонниц
депресси тревожност паническ аллерги астм остеохондроз артрит артроз грыж протрузи псориаз экзем
дерматит акне прыщ выпадени облысени алопеци импотенци эректильн бесплоди климакс менопауз анеми
гепатит онколог опухол новообразовани миом полип инфекци вирус хламиди сколиоз плоскостопи
близорук дальнозорк катаракт глауком отит гайморит синусит тонзиллит насморк кашл температур
симптом недуг хроническ расстройств нарушени ухудшени алкоголизм тахикарди аритми инсульт
инфаркт тромбоз остеопороз подагр одышк отек запор диаре вздути тошнот головокружени кровоточ
храп апноэ энурез недержани дисбактериоз паразит грибок грибк бородавк папиллом родинк невралги
радикулит бронхит пневмони ковид орви грипп простуд перелом дефицит воспалени лишай целлюлит
пигментн щитовидк diabet hypertens cholesterol obes overweight varicose hemorrhoid haemorrhoid
prostatitis cystitis caries gingivitis gastritis ulcer reflux heartburn migraine insomnia
depress anxiety anxious panic allerg asthma arthritis arthrosis hernia psoria eczema dermatitis
acne pimple baldness alopecia impoten erectile infertil menopaus anemi anaemi hepatitis cancer
tumo oncolog cyst fibroid polyp infection infected virus scoliosis myopia cataract glaucoma
sinusitis tonsillitis cough fever symptom chronic disorder addict alcoholism arrhythmi
tachycardi osteoporosis painful backache toothache headache injur fracture snor apnea apnoea
incontinence fung wart covid disease illness sickness deficien syndrome inflamm wrinkle
`);

/** Condition words whose stem is too short or ambiguous for a prefix («боль» vs «больше»). */
export const CONDITION_EXACT: ReadonlySet<string> = new Set(
  list(`
боль боли болей болью болями болях болит болят болело болела болели ноет ноют болеете болеешь
больны болен больна рак рака раком раке киста кисты кисту кистой угри угрей угревая угревой
кашель травма травмы травму травмой вич впч зппп иппп pain pains hurt hurts aching swollen ache
aches sore ill sick flu stroke gout moles cavity cavities hiv hpv std sti diagnosis diagnosed
`),
);

/** Words that turn a second-person sentence into an invitation to screening or prevention. */
export const NEUTRAL_PREFIXES = list(`
обследов провер скрининг профилакт диагностик тест анализ риск узна предотвр предупре вакцин
привив защит вопрос информаци избеж screen check test risk prevent avoid vaccin immuni question
learn protect information
`);

/** Negations between anchor and condition («без боли», «never»). */
export const NEUTRAL_EXACT: ReadonlySet<string> = new Set(
  list(`
не нет никогда без no not never without
`),
);

/** Second-person anchors; any form of «ваш» is one too. */
export const PRONOUNS: ReadonlySet<string> = new Set(
  list(`
вы вам вас вами ты тебе тебя тобой твой твоя твое твои твоего твоей твоему твоим твоих you your
you're you've yours yourself
`),
);

/** Verbs of suffering: an anchor in themselves («Страдаете от мигрени?», «Tired of acne?»). */
export const SUFFERING = list(`
страдает страдаеш мучает мучаеш маетес терпите беспокоит беспокоят мучают тревожит тревожат
замучил надоел измучил устали чувствуете заметили suffer struggl living dealing tired battling
fighting coping worried bothered
`);

/** Suffering verbs that imply a condition with no condition word. */
export const STRONG_SUFFERING: ReadonlySet<string> = new Set(
  list(`
страдаете страдаешь мучаетесь мучаешься болеете болеешь
`),
);

/** A question with one of these asks about a condition instead of assuming it. */
export const QUESTION_WORDS: ReadonlySet<string> = new Set(
  list(`
как что почему зачем когда где how what why when where
`),
);

/** «you may have», «you probably have». */
export const MODALS: ReadonlySet<string> = new Set(
  list(`
may might could probably likely already also
`),
);

/** First person singular: with a care word, a patient's voice, so a testimonial. */
export const FIRST_PERSON: ReadonlySet<string> = new Set(
  list(`
я мне меня мной мой моя мое мои моего моей моему моим моих i me my i'm i've i'd myself
`),
);

/** Words about care that, in the first person, make a testimonial. */
export const CARE_WORDS = list(`
врач доктор клиник лечени лечил прием операци процедур специалист персонал помог рекоменд
спасибо благодар довол стоматолог хирург медсестр doctor dr clinic treatment surgery procedure
staff team helped recommend thank grateful nurse dentist
`);

/** Pairs within three words of each other: «лишний вес», «высокое давление», «hair loss». */
export const CONDITION_PAIRS: readonly (readonly [string, string])[] = list(`
давлени+скач давлени+повыш давлени+высок
лишн+вес избыточн+вес высок+давлени повышен+давлени пониженн+давлени низк+давлени скач+давлени
высок+сахар повышен+сахар выпада+волос проблем+сном проблем+зуб проблем+кож проблем+вес
проблем+давлени проблем+сердц проблем+здоров проблем+желуд проблем+сустав проблем+спин
проблем+зрени проблем+слух проблем+потенци проблем+щитовид проблем+почк проблем+печен
проблем+вен проблем+волос проблем+кишечн проблем+десн проблем+позвоночн проблем+памят
проблем+пищеварени high+blood high+cholesterol hair+loss extra+weight excess+weight
weight+problem kidney+stone heart+attack flat+feet bad+breath blood+sugar thyroid+problem
problem+thyroid алкогольн+зависимост никотинов+зависимост наркотическ+зависимост problem+teeth
problem+tooth problem+skin problem+weight problem+sleep problem+heart problem+stomach
problem+joint problem+back problem+vision problem+eyes problem+hearing problem+gums
problem+digestion problem+memory
`).map((p) => {
  const [a = '', b = ''] = p.split('+');
  return [a, b] as const;
});

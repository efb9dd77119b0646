import { translitKey } from './translit.ts';

/**
 * Full first names with their sex, everyday forms (diminutives, hypocoristics) and the
 * foreign spellings met in forms and e-mails. A form may belong to several names
 * (Саша → Александр and Александра, Женя → Евгений and Евгения); the linker treats any
 * shared full name as agreement. Latin spellings resolve through the transliteration key,
 * so "Sasha", "Sascha" and "Саша" find the same entry.
 */
const TABLE = `
Александр m Саша Шура Саня Санёк Сашка Сашок Алекс Alexander Alex Aleksander Alexandr
Александра f Саша Шура Саня Сашка Сашенька Alexandra Aleksandra Sandra
Алексей m Лёша Алёша Лёха Алекс Alexey Alexei Aleksey Alex
Анатолий m Толя Толик Anatoly
Андрей m Андрюша Андрюха Andrew Andrey Andrei
Антон m Антоша Тоша Anton Anthony Antony
Аркадий m Аркаша Arkady
Артём m Тёма Артёмка Artem Artyom
Артур m Arthur
Борис m Боря Boris
Вадим m Вадик Vadim
Валентин m Валя Valentin
Валентина f Валя Valentina
Валерий m Валера Valery
Василий m Вася Basil Vasily
Вениамин m Веня Benjamin
Виктор m Витя Victor
Виктория f Вика Victoria Vika
Виталий m Виталик Vitaly
Владимир m Вова Володя Вовка Vladimir Vova Volodya
Владислав m Влад Слава Vladislav Vlad
Всеволод m Сева Vsevolod
Вячеслав m Слава Vyacheslav Slava
Галина f Галя Galina
Геннадий m Гена Gennady
Георгий m Жора Гоша Гера George Georgy
Глеб m Gleb
Григорий m Гриша Gregory Grigory
Даниил m Даня Данила Данил Daniel Danil Danila
Дарья f Даша Dasha Daria
Денис m Дэн Денис Dennis
Дмитрий m Дима Митя Dmitry Dima Dimitri
Евгений m Женя Eugene Evgeny Zhenya
Евгения f Женя Eugenia Evgenia Zhenya
Егор m Егорка Egor Yegor
Екатерина f Катя Катюша Катерина Катька Catherine Katherine Kate Katya Ekaterina Kateryna
Елена f Лена Алёна Helen Helena Elena Lena
Елизавета f Лиза Elizabeth Liza Lisa
Зинаида f Зина Zina
Иван m Ваня Ванька John Ivan Vanya
Игорь m Igor
Илья m Илюша Ilya Elijah
Инна f Inna
Ирина f Ира Иришка Irene Irina Ira
Кирилл m Кира Cyril Kirill
Клавдия f Клава Claudia
Константин m Костя Constantine Konstantin Kostya
Ксения f Ксюша Xenia Oksana Ksenia
Лариса f Лара Larisa
Леонид m Лёня Leonid
Лидия f Лида Lydia
Любовь f Люба Lyubov Lubov
Людмила f Люда Мила Lyudmila Mila
Максим m Макс Maxim Max
Маргарита f Рита Марго Margarita Margaret Rita
Марина f Марина Marina
Мария f Маша Маня Мариша Муся Maria Mary Marie Masha
Михаил m Миша Мишка Michael Mikhail Misha
Надежда f Надя Nadia Nadezhda
Наталья f Наташа Ната Natalie Natalia Natasha
Никита m Nikita
Николай m Коля Nicholas Nikolai Kolya
Нина f Nina
Олег m Oleg
Ольга f Оля Olga Olya
Павел m Паша Paul Pavel Pasha
Полина f Поля Polina Pauline
Пётр m Петя Peter Petr Pyotr Petya
Роман m Рома Roman Roma
Светлана f Света Svetlana Sveta
Семён m Сёма Simon Semyon
Сергей m Серёжа Серёга Серж Sergey Sergei Serge Seryozha
Софья f Соня Софа Sophia Sofia Sophie Sonya
Станислав m Стас Слава Stanislav Stas
Степан m Стёпа Stephen Stepan Steven
Таисия f Тая Taisia
Тамара f Тома Tamara
Татьяна f Таня Tatiana Tanya Tatyana
Тимофей m Тима Тимоша Timothy Timofey
Тимур m Tim Timur
Фёдор m Федя Theodore Fedor Fyodor
Эдуард m Эдик Edward Eduard
Элеонора f Эля Элла Eleanor
Эльвира f Эля Elvira
Юлия f Юля Julia Julie Yulia
Юрий m Юра Yuri Yury Jurij
Яна f Yana Jana
Ярослав m Ярик Слава Yaroslav
Ярослава f Слава Yaroslava
Алла f Alla
Альберт m Albert
Анастасия f Настя Стася Ася Anastasia Nastya
Ангелина f Геля Angelina
Анна f Аня Нюра Нюша Анюта Ann Anna Anne Anya Hanna
Антонина f Тоня Antonina
Богдан m Bogdan
Вера f Vera
Вероника f Ника Veronica
Владислава f Влада Vladislava
Герман m Гера German Herman
Диана f Diana
Ева f Eva Eve
Жанна f Jeanne Zhanna
Захар m Zakhar
Злата f Zlata
Кристина f Кристи Christina Kristina
Лев m Лёва Leo Lev
Лилия f Лиля Lily Lilia
Майя f Maya
Марк m Mark Marc
Матвей m Мотя Matthew Matvey
Милана f Milana
Нелли f Nelly
Оксана f Ксюша Oksana
Раиса f Рая Raisa
Ростислав m Слава Ростик Rostislav
Руслан m Ruslan
Святослав m Свят Слава Svyatoslav
Тарас m Taras
Ульяна f Уля Ulyana
Эмилия f Эмма Emilia
Эрик m Eric Erik
Яков m Яша Jacob Yakov
Алевтина f Аля Alevtina
Алеся f Alesya
Алина f Alina
Алиса f Alice Alisa
Альбина f Albina
Алёна f Alena Alyona
Анжела f Angela
Анжелика f Angelica
Арина f Arina
Арсений m Арсен Arseny
Артемий m Artemy
Валерия f Лера Valeria
Варвара f Варя Barbara Varvara
Василиса f Vasilisa
Виолетта f Violetta
Влада f Vlada
Дарина f Darina
Дина f Dina
Зоя f Zoya Zoe
Карина f Karina
Кира f Kira
Лада f Lada
Марат m Marat
Марианна f Marianna
Наталия f Наташа Natalia
Олеся f Olesya
Регина f Regina
Роберт m Robert
Родион m Rodion
Снежана f Snezhana
София f Соня Софа Sophia Sofia
Феликс m Felix
Филипп m Филя Philip Filipp
Эвелина f Evelina
Элина f Elina
Эмиль m Emil
Юлиана f Juliana
Ян m Jan Yan
Данила m Даня Danila
Данил m Даня Danil
`;

export type NameSex = 'male' | 'female';

export interface FullName {
  readonly name: string;
  readonly sex: NameSex;
}

const byKey = new Map<string, FullName[]>();
const add = (form: string, full: FullName): void => {
  const key = translitKey(form);
  const list = byKey.get(key) ?? [];
  if (!list.some((f) => f.name === full.name)) list.push(full);
  byKey.set(key, list);
};
for (const line of TABLE.split('\n')) {
  const [name, sex, ...forms] = line.trim().split(/\s+/);
  if (!name || (sex !== 'm' && sex !== 'f')) continue;
  const full: FullName = { name, sex: sex === 'm' ? 'male' : 'female' };
  add(name, full);
  for (const form of forms) add(form, full);
}
// A full name always resolves to itself alone, even where it is also someone's short form
// (Юра is Юрий; Георгий's «Юра» must not make Юрий ambiguous).
for (const [key, list] of byKey) {
  const self = list.find((f) => translitKey(f.name) === key);
  if (self) byKey.set(key, [self]);
}

/** The full names a written first name may stand for (any script); empty when unknown. */
export const fullNamesOf = (firstName: string): readonly FullName[] =>
  byKey.get(translitKey(firstName)) ?? [];

/** Whether the word is a first name the table knows (used to order «Иван Иванов»). */
export const isKnownFirstName = (word: string): boolean => byKey.has(translitKey(word));

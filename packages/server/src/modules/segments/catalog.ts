import type { Tx } from '../../db/index.ts';

/** A specialty the builder offers for "visited specialty": clinic catalogue data, no patient in it. */
export interface SpecialtyOption {
  readonly id: string;
  readonly code: string;
  readonly nameRu: string;
  readonly nameEn: string;
  /** Visits to it are sensitive health data (R6): a rule on it makes the segment health-based anyway. */
  readonly sensitive: boolean;
}

export async function listSpecialties(tx: Tx): Promise<SpecialtyOption[]> {
  const rows = await tx
    .selectFrom('specialties')
    .select(['id', 'code', 'name_ru', 'name_en', 'sensitive'])
    .orderBy('name_ru')
    .limit(1000)
    .execute();
  return rows.map((r) => ({
    id: r.id,
    code: r.code,
    nameRu: r.name_ru,
    nameEn: r.name_en,
    sensitive: r.sensitive,
  }));
}

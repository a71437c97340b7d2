/**
 * Invented sample leads for Quillstack's rules (rules/samples/leads.jsonl, demos, benchmarks).
 *
 * Deterministic: every lead gets its own PRNG seeded from (seed, index), so the same seed gives
 * the same bytes, lead i does not depend on how many leads come before or after it, and a run of
 * 100k leads streams without holding more than one lead in memory.
 *
 * Each lead is an archetype (who they are: executive, data leader, founder, practitioner, ...)
 * living through a journey (what they did: newsletter reader, content downloader, demo request,
 * trial, worked by Sales, ...). The mix is tuned so that, scored by rules/ at 2026-11-20, every
 * lifecycle stage and every persona occurs in 2,000 leads. Every person and company is invented:
 * company domains end in .example or .test; free-mail addresses carry a random number.
 */
import type { Event, Lead } from '../../extension/engine/generated/rules';
import { parseInstant } from '../../extension/engine/values';
import { mulberry32 } from './prng';

export interface GenerateLeadsOptions {
  /** Any 32-bit integer; the same seed gives the same leads. */
  seed: number;
  count: number;
  /** The moment the sample is "taken": events fall in the 180 days before it (a few just after). */
  now: Date | string | number;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
/** The events of one lead never exceed this many (the journeys may plan more; the cap trims). */
export const MAX_EVENTS_PER_LEAD = 60;
/** How far back the activity goes. */
export const HISTORY_DAYS = 180;
const SITE = 'https://www.quillstack.example';

// ---------------------------------------------------------------------------------------------
// Randomness (mulberry32 from prng.ts: the generator's output must not change with it)


/** Mixes the run's seed with a stream number (murmur3's finaliser) so nearby seeds diverge. */
function mixSeed(seed: number, stream: number): number {
  let h = (seed ^ Math.imul(stream + 1, 0x9e3779b1)) | 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) | 0;
}

type Weighted<T> = readonly (readonly [T, number])[];

class Dice {
  private readonly next: () => number;
  constructor(seed: number) {
    this.next = mulberry32(seed);
  }
  float(): number {
    return this.next();
  }
  /** An integer in [lo, hi], both included. */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(items: readonly T[]): T {
    return itemAt(items, Math.floor(this.next() * items.length));
  }
  weighted<T>(entries: Weighted<T>): T {
    let total = 0;
    for (const [, weight] of entries) total += weight;
    let roll = this.next() * total;
    for (const [value, weight] of entries) {
      roll -= weight;
      if (roll < 0) return value;
    }
    return itemAt(entries, entries.length - 1)[0];
  }
  /** A number spread evenly on a log scale between lo and hi (company sizes, budgets). */
  logUniform(lo: number, hi: number): number {
    return Math.exp(Math.log(lo) + this.next() * (Math.log(hi) - Math.log(lo)));
  }
}

function itemAt<T>(items: readonly T[], index: number): T {
  const item = items[index];
  if (item === undefined) throw new Error(`lead generator: no item ${index} in a list of ${items.length}`);
  return item;
}

// ---------------------------------------------------------------------------------------------
// People: names from several cultures, chosen mostly by the company's country

interface Culture {
  first: readonly string[];
  last: readonly string[];
}

const CULTURES: Record<string, Culture> = {
  spanish: {
    first: ['Lucía', 'María', 'Carmen', 'Elena', 'Paula', 'Laura', 'Marta', 'Sara', 'Alba', 'Nerea', 'Javier', 'Alejandro', 'Pablo', 'Daniel', 'Sergio', 'Álvaro', 'Hugo', 'Diego', 'Iker', 'Jordi'],
    last: ['García', 'Fernández', 'López', 'Martínez', 'Sánchez', 'Pérez', 'Gómez', 'Ruiz', 'Díaz', 'Moreno', 'Navarro', 'Romero', 'Torres', 'Vidal', 'Castillo', 'Ortega', 'Iglesias', 'Etxeberria', 'Puig', 'Serrano'],
  },
  german: {
    first: ['Anna', 'Lena', 'Katharina', 'Julia', 'Sophie', 'Miriam', 'Jonas', 'Lukas', 'Felix', 'Maximilian', 'Tobias', 'Niklas', 'Stefan', 'Matthias'],
    last: ['Müller', 'Schmidt', 'Schneider', 'Fischer', 'Weber', 'Becker', 'Hoffmann', 'Schäfer', 'Koch', 'Richter', 'Wagner', 'Hartmann', 'Krüger', 'Brandt'],
  },
  english: {
    first: ['Olivia', 'Emily', 'Charlotte', 'Grace', 'Hannah', 'Chloe', 'James', 'Oliver', 'Harry', 'George', 'Thomas', 'William', 'Jack', 'Samuel'],
    last: ['Smith', 'Jones', 'Taylor', 'Brown', 'Williams', 'Wilson', 'Evans', 'Walker', 'Wright', 'Hughes', 'Clarke', 'Turner', 'Murphy', 'Kelly'],
  },
  french: {
    first: ['Camille', 'Léa', 'Manon', 'Chloé', 'Inès', 'Juliette', 'Louis', 'Gabriel', 'Arthur', 'Raphaël', 'Théo', 'Antoine', 'Mathieu', 'Julien'],
    last: ['Martin', 'Bernard', 'Dubois', 'Thomas', 'Robert', 'Richard', 'Petit', 'Durand', 'Leroy', 'Moreau', 'Lefèvre', 'Girard', 'Bonnet', 'Rousseau'],
  },
  dutch: {
    first: ['Sanne', 'Femke', 'Lotte', 'Eva', 'Daan', 'Bram', 'Sem', 'Lars', 'Jeroen', 'Thijs'],
    last: ['de Jong', 'Jansen', 'de Vries', 'van den Berg', 'Bakker', 'Visser', 'Smit', 'Meijer', 'de Boer', 'Mulder'],
  },
  portuguese: {
    first: ['Beatriz', 'Inês', 'Mariana', 'Ana', 'João', 'Tiago', 'Rodrigo', 'Duarte', 'Gonçalo', 'Rafael'],
    last: ['Silva', 'Santos', 'Ferreira', 'Pereira', 'Oliveira', 'Costa', 'Rodrigues', 'Martins', 'Sousa', 'Carvalho'],
  },
  italian: {
    first: ['Giulia', 'Chiara', 'Francesca', 'Sofia', 'Marco', 'Luca', 'Matteo', 'Andrea', 'Davide', 'Lorenzo'],
    last: ['Rossi', 'Russo', 'Ferrari', 'Esposito', 'Bianchi', 'Romano', 'Colombo', 'Ricci', 'Marino', 'Greco'],
  },
  nordic: {
    first: ['Ingrid', 'Freja', 'Astrid', 'Maja', 'Sigrid', 'Erik', 'Magnus', 'Nils', 'Oskar', 'Henrik'],
    last: ['Johansson', 'Andersson', 'Nielsen', 'Hansen', 'Larsen', 'Lindqvist', 'Berg', 'Virtanen', 'Korhonen', 'Dahl'],
  },
  polish: {
    first: ['Zofia', 'Agnieszka', 'Katarzyna', 'Marta', 'Piotr', 'Krzysztof', 'Tomasz', 'Paweł'],
    last: ['Nowak', 'Kowalski', 'Wiśniewski', 'Wójcik', 'Kamińska', 'Lewandowski', 'Zielińska', 'Szymański'],
  },
  indian: {
    first: ['Priya', 'Ananya', 'Kavya', 'Divya', 'Aarav', 'Rohan', 'Vikram', 'Arjun', 'Karthik', 'Neha'],
    last: ['Sharma', 'Patel', 'Iyer', 'Reddy', 'Nair', 'Gupta', 'Menon', 'Rao', 'Kulkarni', 'Banerjee'],
  },
  westAfrican: {
    first: ['Chiamaka', 'Amara', 'Ngozi', 'Adaeze', 'Tunde', 'Chinedu', 'Emeka', 'Kwame', 'Kofi', 'Yaw'],
    last: ['Okafor', 'Adeyemi', 'Okeke', 'Mensah', 'Asante', 'Eze', 'Balogun', 'Owusu', 'Nwosu', 'Boateng'],
  },
  latinAmerican: {
    first: ['Valentina', 'Camila', 'Isabela', 'Fernanda', 'Mateo', 'Santiago', 'Sebastián', 'Joaquín', 'Thiago', 'Rafaela'],
    last: ['González', 'Rodríguez', 'Hernández', 'Ramírez', 'Flores', 'Álvarez', 'Rojas', 'Mendoza', 'Pereyra', 'Cardoso'],
  },
  eastAsian: {
    first: ['Yuki', 'Haruka', 'Sakura', 'Hiroshi', 'Kenji', 'Wei', 'Mei', 'Jun', 'Min-jun', 'Seo-yeon'],
    last: ['Tanaka', 'Suzuki', 'Watanabe', 'Nakamura', 'Kobayashi', 'Chen', 'Wang', 'Liu', 'Kim', 'Park'],
  },
  arabic: {
    first: ['Layla', 'Noor', 'Mariam', 'Yasmin', 'Omar', 'Karim', 'Youssef', 'Rami', 'Tariq', 'Hana'],
    last: ['Haddad', 'Khalil', 'Mansour', 'Nasser', 'Saleh', 'Aziz', 'Farouk', 'Hamdan', 'Rahman', 'Kassem'],
  },
};
type CultureId = keyof typeof CULTURES;
const CULTURE_IDS = Object.keys(CULTURES) as CultureId[];

// ---------------------------------------------------------------------------------------------
// Companies: invented names and domains, shared by colleagues

interface CountryInfo {
  code: string;
  culture: CultureId;
  legal: readonly string[];
}

const COUNTRIES: Weighted<CountryInfo> = [
  [{ code: 'ES', culture: 'spanish', legal: ['S.L.', 'S.A.'] }, 24],
  [{ code: 'DE', culture: 'german', legal: ['GmbH', 'AG', 'SE'] }, 12],
  [{ code: 'GB', culture: 'english', legal: ['Ltd', 'plc'] }, 10],
  [{ code: 'FR', culture: 'french', legal: ['SAS', 'SA'] }, 7],
  [{ code: 'NL', culture: 'dutch', legal: ['B.V.', 'N.V.'] }, 5],
  [{ code: 'PT', culture: 'portuguese', legal: ['Lda.', 'S.A.'] }, 4],
  [{ code: 'IT', culture: 'italian', legal: ['S.p.A.', 'S.r.l.'] }, 4],
  [{ code: 'SE', culture: 'nordic', legal: ['AB'] }, 2],
  [{ code: 'DK', culture: 'nordic', legal: ['A/S', 'ApS'] }, 2],
  [{ code: 'NO', culture: 'nordic', legal: ['AS'] }, 1],
  [{ code: 'FI', culture: 'nordic', legal: ['Oy'] }, 1],
  [{ code: 'IE', culture: 'english', legal: ['Ltd', 'DAC'] }, 2],
  [{ code: 'BE', culture: 'french', legal: ['SRL', 'NV'] }, 2],
  [{ code: 'CH', culture: 'german', legal: ['AG', 'GmbH'] }, 2],
  [{ code: 'AT', culture: 'german', legal: ['GmbH'] }, 1],
  [{ code: 'PL', culture: 'polish', legal: ['sp. z o.o.', 'S.A.'] }, 2],
  [{ code: 'US', culture: 'english', legal: ['Inc.', 'LLC', 'Corp.'] }, 8],
  [{ code: 'CA', culture: 'english', legal: ['Inc.', 'Ltd'] }, 1],
  [{ code: 'MX', culture: 'latinAmerican', legal: ['S.A. de C.V.'] }, 2],
  [{ code: 'BR', culture: 'latinAmerican', legal: ['Ltda.', 'S.A.'] }, 2],
  [{ code: 'AR', culture: 'latinAmerican', legal: ['S.R.L.', 'S.A.'] }, 1],
  [{ code: 'IN', culture: 'indian', legal: ['Pvt. Ltd.'] }, 2],
  [{ code: 'SG', culture: 'eastAsian', legal: ['Pte. Ltd.'] }, 1],
  [{ code: 'JP', culture: 'eastAsian', legal: ['K.K.'] }, 1],
  [{ code: 'AU', culture: 'english', legal: ['Pty Ltd'] }, 1],
  [{ code: 'NG', culture: 'westAfrican', legal: ['Ltd'] }, 1],
  [{ code: 'ZA', culture: 'westAfrican', legal: ['(Pty) Ltd'] }, 1],
  [{ code: 'AE', culture: 'arabic', legal: ['LLC', 'FZ-LLC'] }, 1],
];

const INDUSTRIES: Weighted<string> = [
  ['software', 20], ['internet', 6], ['fintech', 8], ['financial-services', 7], ['banking', 4], ['insurance', 5],
  ['e-commerce', 8], ['retail', 6], ['healthcare', 6], ['telecommunications', 4], ['logistics', 6], ['manufacturing', 6],
  ['media', 4], ['energy', 3], ['consulting', 4], ['education', 2], ['government', 2], ['nonprofit', 1], ['other', 1],
];

/** Words that make a company name sound like its trade. */
const TRADE_WORDS: Record<string, readonly string[]> = {
  software: ['Labs', 'Software', 'Cloud', 'Systems', 'Tech'],
  internet: ['Online', 'Digital', 'Apps'],
  fintech: ['Pay', 'Ledger', 'Money'],
  'financial-services': ['Capital', 'Finance', 'Asset Management'],
  banking: ['Bank', 'Banca', 'Savings Bank'],
  insurance: ['Insurance', 'Seguros', 'Mutual'],
  'e-commerce': ['Shop', 'Commerce', 'Market'],
  retail: ['Retail', 'Stores', 'Outlets'],
  healthcare: ['Health', 'Clinics', 'Care'],
  telecommunications: ['Telecom', 'Mobile', 'Networks'],
  logistics: ['Freight', 'Logistics', 'Cargo'],
  manufacturing: ['Industries', 'Manufacturing', 'Werke'],
  media: ['Media', 'Studios', 'Publishing'],
  energy: ['Energy', 'Renewables', 'Power'],
  consulting: ['Consulting', 'Partners', 'Advisory'],
  education: ['Academy', 'Learning', 'School'],
  government: ['Agency', 'Council', 'Authority'],
  nonprofit: ['Foundation', 'Trust', 'Alliance'],
  other: ['Group', 'Holdings', 'Co'],
};

const NAME_STARTS = ['Alta', 'Brisa', 'Corvi', 'Duna', 'Elva', 'Ferro', 'Gala', 'Halde', 'Ibera', 'Juno', 'Kiva', 'Luma', 'Mira', 'Norda', 'Orla', 'Pura', 'Rivo', 'Sola', 'Tera', 'Ulma', 'Vela', 'Wren', 'Yara', 'Zefa', 'Ambar', 'Bruma', 'Cirro', 'Dorna', 'Estel', 'Fiora'];
const NAME_ENDS = ['mark', 'bridge', 'stone', 'field', 'wave', 'line', 'port', 'gate', 'works', 'loop', 'nest', 'forge', 'peak', 'vale', 'crest', 'moor', 'brook', 'haven', 'ridge', 'spark'];

export const COMPETITOR_DOMAINS = ['datavigil.example', 'lineagely.example', 'monocle-data.example'] as const;

interface Company {
  name: string;
  domain: string;
  employees: number | null;
  industry: string | null;
  country: string;
  culture: CultureId;
  revenue: number | null;
  techStack: string[] | null;
  competitor: boolean;
}

const COMPANY_POOL_SIZE = 900;

function slugify(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}

function techStackFor(dice: Dice): string[] | null {
  if (dice.chance(0.3)) return null; // enrichment found nothing
  const stack: string[] = [];
  stack.push(dice.weighted([['snowflake', 30], ['bigquery', 20], ['databricks', 15], ['redshift', 10], ['postgres', 25]]));
  if (dice.chance(0.4)) stack.push('dbt');
  const orchestrator = dice.weighted([['airflow', 30], ['dagster', 8], ['', 62]]);
  if (orchestrator) stack.push(orchestrator);
  if (dice.chance(0.2)) stack.push('kafka');
  if (dice.chance(0.25)) stack.push('fivetran');
  if (dice.chance(0.15)) stack.push('spark');
  stack.push(dice.weighted([['looker', 30], ['tableau', 30], ['power-bi', 30], ['metabase', 10]]));
  return stack;
}

function makeCompany(dice: Dice, takenDomains: Set<string>): Company {
  const country = dice.weighted(COUNTRIES);
  const industry = dice.chance(0.05) ? null : dice.weighted(INDUSTRIES);
  const trade = TRADE_WORDS[industry ?? 'other'] ?? ['Group'];
  const base = `${dice.pick(NAME_STARTS)}${dice.pick(NAME_ENDS)}`;
  const word = dice.chance(0.6) ? dice.pick(trade) : '';
  let name = word ? `${base} ${word}` : base;
  if (dice.chance(0.35)) name = `${name} ${dice.pick(country.legal)}`;
  let domain = `${slugify(word && dice.chance(0.5) ? `${base}-${word}` : base)}.${dice.chance(0.85) ? 'example' : 'test'}`;
  for (let n = 2; takenDomains.has(domain); n++) domain = domain.replace(/(-\d+)?\.(example|test)$/, `-${n}.$2`);
  takenDomains.add(domain);
  // Sizes from 2 to 40,000 on a log scale, with a bump in the mid-market where we sell.
  const employees = dice.chance(0.06)
    ? null
    : Math.round(dice.chance(0.35) ? dice.logUniform(200, 3000) : dice.logUniform(2, 40000));
  const revenue =
    employees !== null && dice.chance(0.7) ? Math.round((employees * dice.int(60, 300)) / 10) * 10_000 : null;
  return { name, domain, employees, industry, country: country.code, culture: country.culture, revenue, techStack: techStackFor(dice), competitor: false };
}

const COMPETITORS: readonly Company[] = [
  { name: 'Datavigil', domain: 'datavigil.example', employees: 140, industry: 'software', country: 'US', culture: 'english', revenue: 18_000_000, techStack: ['snowflake', 'dbt', 'airflow'], competitor: true },
  { name: 'Lineagely GmbH', domain: 'lineagely.example', employees: 60, industry: 'software', country: 'DE', culture: 'german', revenue: 5_000_000, techStack: ['databricks', 'dagster'], competitor: true },
  { name: 'Monocle Data', domain: 'monocle-data.example', employees: 320, industry: 'software', country: 'GB', culture: 'english', revenue: 41_000_000, techStack: ['bigquery', 'dbt'], competitor: true },
];

const UNIVERSITIES: readonly Company[] = [
  { name: 'Universidad de Valdeluz', domain: 'valdeluz.edu.example', employees: 3200, industry: 'education', country: 'ES', culture: 'spanish', revenue: null, techStack: null, competitor: false },
  { name: 'Technische Hochschule Rheinfeld', domain: 'th-rheinfeld.example', employees: 1800, industry: 'education', country: 'DE', culture: 'german', revenue: null, techStack: null, competitor: false },
  { name: 'Ashcombe University', domain: 'ashcombe.ac.example', employees: 5400, industry: 'education', country: 'GB', culture: 'english', revenue: null, techStack: null, competitor: false },
];

interface CompanyPool {
  small: Company[];
  large: Company[];
  all: Company[];
}

function makeCompanyPool(seed: number): CompanyPool {
  const dice = new Dice(mixSeed(seed, -1));
  const taken = new Set<string>(COMPETITOR_DOMAINS);
  const all: Company[] = [];
  for (let i = 0; i < COMPANY_POOL_SIZE; i++) all.push(makeCompany(dice, taken));
  return {
    all,
    small: all.filter((c) => c.employees !== null && c.employees < 200),
    large: all.filter((c) => c.employees !== null && c.employees >= 200),
  };
}

// ---------------------------------------------------------------------------------------------
// Roles: who the person is

type Archetype = 'executive' | 'dataLeader' | 'founder' | 'practitioner' | 'business' | 'student' | 'competitor' | 'unknown';

const ARCHETYPES: Weighted<Archetype> = [
  ['executive', 12],
  ['dataLeader', 16],
  ['founder', 7],
  ['practitioner', 28],
  ['business', 17],
  ['student', 6],
  ['competitor', 2],
  ['unknown', 12],
];

interface Role {
  title: string;
  seniority: string;
  department: string;
}

const role = (title: string, seniority: string, department: string): Role => ({ title, seniority, department });

const ROLES: Record<Exclude<Archetype, 'unknown'>, readonly Role[]> = {
  executive: [
    role('Chief Data Officer', 'c-level', 'data'),
    role('Chief Technology Officer', 'c-level', 'engineering'),
    role('CTO', 'c-level', 'engineering'),
    role('CIO', 'c-level', 'it'),
    role('VP of Data', 'vp', 'data'),
    role('VP Engineering', 'vp', 'engineering'),
    role('VP Data & Analytics', 'vp', 'analytics'),
    role('Vice President, Data Platform', 'vp', 'data'),
    role('SVP Technology', 'vp', 'engineering'),
    role('Head of Data', 'director', 'data'),
    role('Head of Data Platform', 'director', 'data'),
    role('Head of Analytics', 'director', 'analytics'),
    role('Head of Data Engineering', 'director', 'data'),
    role('Head of IT', 'director', 'it'),
  ],
  dataLeader: [
    role('Director of Data Engineering', 'director', 'data'),
    role('Director, Analytics', 'director', 'analytics'),
    role('Data Engineering Manager', 'manager', 'data'),
    role('Analytics Engineering Manager', 'manager', 'analytics'),
    role('Data Platform Lead', 'manager', 'data'),
    role('Lead Data Engineer', 'manager', 'data'),
    role('BI Manager', 'manager', 'analytics'),
    role('Staff Data Engineer', 'individual-contributor', 'data'),
    role('Principal Data Architect', 'individual-contributor', 'data'),
    role('ML Platform Lead', 'manager', 'engineering'),
    role('Analytics Lead', 'manager', 'analytics'),
    role('Responsable de Datos', 'manager', 'data'), // Spanish titles miss the English regexes, as in real CRMs
    role('Leiterin Datenplattform', 'director', 'data'),
  ],
  founder: [
    role('Founder & CEO', 'c-level', 'other'),
    role('Co-founder & CTO', 'c-level', 'engineering'),
    role('CEO', 'c-level', 'other'),
    role('Co-Founder', 'c-level', 'other'),
    role('Managing Director', 'c-level', 'other'),
    role('Founder', 'c-level', 'other'),
  ],
  practitioner: [
    role('Data Engineer', 'individual-contributor', 'data'),
    role('Senior Data Engineer', 'individual-contributor', 'data'),
    role('Analytics Engineer', 'individual-contributor', 'analytics'),
    role('Data Analyst', 'individual-contributor', 'analytics'),
    role('Senior Data Analyst', 'individual-contributor', 'analytics'),
    role('BI Analyst', 'individual-contributor', 'analytics'),
    role('Data Scientist', 'individual-contributor', 'data'),
    role('Machine Learning Engineer', 'individual-contributor', 'engineering'),
    role('Software Engineer', 'individual-contributor', 'engineering'),
    role('Backend Developer', 'individual-contributor', 'engineering'),
    role('Site Reliability Engineer', 'individual-contributor', 'engineering'),
    role('DataOps Engineer', 'individual-contributor', 'data'),
    role('Ingeniera de Datos', 'individual-contributor', 'data'),
    role('Open to work | Data Analyst', 'entry', 'analytics'),
  ],
  business: [
    role('Marketing Manager', 'manager', 'marketing'),
    role('Head of Marketing', 'director', 'marketing'),
    role('Product Manager', 'manager', 'product'),
    role('Sales Operations Manager', 'manager', 'sales'),
    role('Finance Director', 'director', 'finance'),
    role('HR Business Partner', 'individual-contributor', 'hr'),
    role('Account Executive', 'individual-contributor', 'sales'),
    role('Customer Success Manager', 'manager', 'operations'),
    role('Operations Manager', 'manager', 'operations'),
    role('Procurement Specialist', 'individual-contributor', 'finance'),
    role('Consultant', 'individual-contributor', 'other'),
    role('Project Manager', 'manager', 'operations'),
  ],
  student: [
    role('Student', 'student', 'other'),
    role('MSc Data Science Student', 'student', 'data'),
    role('Data Engineering Intern', 'student', 'data'),
    role('Intern', 'student', 'other'),
    role('PhD Candidate', 'student', 'data'),
    role('Business Analytics Student', 'student', 'analytics'),
    role('Trainee', 'entry', 'other'),
  ],
  competitor: [
    role('Solutions Engineer', 'individual-contributor', 'engineering'),
    role('Product Marketing Manager', 'manager', 'marketing'),
    role('Account Executive', 'individual-contributor', 'sales'),
    role('Head of Product', 'director', 'product'),
  ],
};

/** Seniority from enrichment for people whose title we do not have. */
const UNKNOWN_SENIORITY: Weighted<string | null> = [[null, 50], ['c-level', 8], ['vp', 8], ['director', 12], ['manager', 12], ['individual-contributor', 10]];

// ---------------------------------------------------------------------------------------------
// Journeys: what the person did

type Journey = 'dormant' | 'newsletter' | 'content' | 'active' | 'handRaiser' | 'trial' | 'worked' | 'unsubscribed';

const JOURNEYS: Record<Archetype, Weighted<Journey>> = {
  executive: [['dormant', 15], ['newsletter', 10], ['content', 24], ['active', 15], ['handRaiser', 12], ['trial', 3], ['worked', 18], ['unsubscribed', 3]],
  dataLeader: [['dormant', 12], ['newsletter', 10], ['content', 22], ['active', 16], ['handRaiser', 10], ['trial', 8], ['worked', 18], ['unsubscribed', 4]],
  founder: [['dormant', 15], ['newsletter', 12], ['content', 20], ['active', 13], ['handRaiser', 12], ['trial', 12], ['worked', 12], ['unsubscribed', 4]],
  practitioner: [['dormant', 18], ['newsletter', 15], ['content', 25], ['active', 15], ['handRaiser', 4], ['trial', 15], ['worked', 4], ['unsubscribed', 4]],
  business: [['dormant', 25], ['newsletter', 20], ['content', 25], ['active', 10], ['handRaiser', 4], ['trial', 6], ['worked', 5], ['unsubscribed', 5]],
  student: [['dormant', 20], ['newsletter', 25], ['content', 35], ['active', 10], ['trial', 5], ['unsubscribed', 5]],
  competitor: [['newsletter', 40], ['content', 40], ['trial', 10], ['active', 10]],
  unknown: [['dormant', 30], ['newsletter', 28], ['content', 20], ['active', 10], ['trial', 6], ['handRaiser', 6]],
};

const PAGES = {
  browse: ['/', '/product', '/product/monitors', '/product/lineage', '/integrations/snowflake', '/integrations/dbt', '/customers', '/security', '/webinars'],
  blog: ['/blog/what-is-data-observability', '/blog/the-cost-of-data-downtime', '/blog/freshness-slos', '/blog/dbt-tests-are-not-enough', '/blog/lineage-for-auditors'],
  docs: ['/docs/getting-started', '/docs/monitors/freshness', '/docs/monitors/volume', '/docs/integrations/airflow', '/docs/integrations/dbt', '/docs/lineage'],
  pricing: ['/pricing', '/pricing?plan=business', '/pricing#compare'],
  careers: ['/careers', '/careers/senior-data-engineer', '/careers/account-executive-madrid'],
} as const;

const CAMPAIGNS = ['newsletter-2026-06', 'newsletter-2026-08', 'newsletter-2026-10', 'nurture-observability-101', 'state-of-data-quality-2026', 'launch-anomaly-detection', 'webinar-invite-lineage', 'dbt-coalesce-followup'];
const ASSETS = ['state-of-data-quality-2026.pdf', 'observability-buyers-guide.pdf', 'roi-calculator.xlsx', 'dbt-testing-cheatsheet.pdf', 'data-contracts-playbook.pdf'];
const WEBINARS = ['data-downtime-101', 'lineage-in-practice', 'dbt-meets-observability', 'slos-for-data-teams'];
const PLANS: Weighted<string> = [['team', 60], ['business', 30], ['enterprise-trial', 10]];

/** Reps who own leads: the Sales team's GitHub logins, plus an SDR who is not on GitHub. */
export const REP_LOGINS = ['carmen-ruiz', 'jonas-weber', 'priya-nair', 'tomas-okafor', 'ana-molina'] as const;

type RecordedStage = 'subscriber' | 'lead' | 'mql' | 'sal' | 'sql' | 'opportunity' | 'customer';

/** What a journey produces besides events. */
interface Outcome {
  stage?: RecordedStage;
  stageEnteredAtMs?: number;
  trialActive?: boolean;
  budgetConfirmed?: boolean;
  annualBudget?: number;
  timeline?: string;
  leadSource?: string;
  worked?: boolean;
}

/** An event before it is written out: times stay numbers until the end (parsing is slow). */
interface PlannedEvent {
  ms: number;
  type: string;
  props: Record<string, string> | undefined;
}

/** Collects a lead's events, dropping any planned after `now` unless asked for on purpose. */
class Timeline {
  readonly planned: PlannedEvent[] = [];
  constructor(
    private readonly dice: Dice,
    readonly nowMs: number,
  ) {}

  /** A moment between minDays and maxDays ago, at a plausible working hour (UTC 06-20). */
  daysAgo(minDays: number, maxDays: number): number {
    const startOfToday = Math.floor(this.nowMs / DAY) * DAY;
    const lo = Math.max(0, Math.ceil(minDays));
    const day = startOfToday - this.dice.int(lo, Math.max(lo, Math.floor(maxDays))) * DAY;
    let at = day + this.dice.int(6 * 60, 20 * 60) * MINUTE + this.dice.int(0, 59) * 1000;
    if (at > this.nowMs) at -= DAY;
    return at;
  }

  /** A moment between minMinutes and maxMinutes ago. */
  minutesAgo(minMinutes: number, maxMinutes: number): number {
    return this.nowMs - this.dice.int(minMinutes, maxMinutes) * MINUTE - this.dice.int(0, 59) * 1000;
  }

  add(type: string, atMs: number, props?: Record<string, string>): void {
    if (atMs <= this.nowMs) this.planned.push({ ms: atMs, type, props });
  }

  /** An event after `now` on purpose (clock skew, an import from another zone). */
  addInFuture(type: string, atMs: number, props?: Record<string, string>): void {
    this.planned.push({ ms: atMs, type, props });
  }

  /** Adds n events spread between minDays and maxDays ago. */
  spread(n: number, minDays: number, maxDays: number, type: string, props?: () => Record<string, string>): void {
    for (let i = 0; i < n; i++) this.add(type, this.daysAgo(minDays, maxDays), props?.());
  }
}

function makeEvent(type: string, atMs: number, props?: Record<string, string>): Event {
  const event: Event = { type, at: isoSeconds(atMs) };
  if (props) for (const key in props) event[key] = props[key];
  return event;
}

const TWO_DIGITS = Array.from({ length: 60 }, (_, n) => String(n).padStart(2, '0'));
/** "YYYY-MM-DDT" by day number: formatting dates is the generator's hottest path. */
const dayPrefixes = new Map<number, string>();

/** The instant as ISO 8601 in UTC to the second (2026-11-20T12:00:00Z). */
export function isoSeconds(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  const day = Math.floor(seconds / 86400);
  let prefix = dayPrefixes.get(day);
  if (prefix === undefined) {
    if (dayPrefixes.size > 20_000) dayPrefixes.clear();
    prefix = new Date(day * DAY).toISOString().slice(0, 11);
    dayPrefixes.set(day, prefix);
  }
  const inDay = seconds - day * 86400;
  const hh = TWO_DIGITS[Math.floor(inDay / 3600)] ?? '00';
  const mm = TWO_DIGITS[Math.floor(inDay / 60) % 60] ?? '00';
  const ss = TWO_DIGITS[inDay % 60] ?? '00';
  return `${prefix}${hh}:${mm}:${ss}Z`;
}

const pageView = (dice: Dice, section: keyof typeof PAGES) => () => ({ url: `${SITE}${dice.pick(PAGES[section])}` });
const campaign = (dice: Dice) => () => ({ campaign: dice.pick(CAMPAIGNS) });

/** Site and email background noise shared by most journeys. */
function browse(t: Timeline, dice: Dice, views: number, minDays: number, maxDays: number, opens: number, clicks: number): void {
  t.spread(views, minDays, maxDays, 'page_view', pageView(dice, dice.chance(0.5) ? 'browse' : 'blog'));
  t.spread(opens, minDays, maxDays, 'email_open', campaign(dice));
  t.spread(clicks, minDays, maxDays, 'email_click', campaign(dice));
}

function downloadContent(t: Timeline, dice: Dice, minDays: number, maxDays: number): void {
  const at = t.daysAgo(minDays, maxDays);
  t.add('form_submit', at, { form: 'ebook-download' });
  t.add('content_download', at + 5000, { asset: dice.pick(ASSETS) });
}

function attendWebinar(t: Timeline, dice: Dice, minDays: number, maxDays: number, attends: boolean): void {
  const webinar = dice.pick(WEBINARS);
  const at = t.daysAgo(minDays, maxDays);
  t.add('form_submit', at - 7 * DAY, { form: 'webinar-registration' });
  t.add('webinar_registered', at - 7 * DAY, { webinar });
  if (attends) t.add('webinar_attended', at, { webinar });
}

/** A rep's reaction to a hand-raise at `atMs`: on time, late, or not yet. */
function salesResponse(t: Timeline, dice: Dice, atMs: number): void {
  const reaction = dice.weighted([['fast', 45], ['late', 20], ['none', 35]] as const);
  if (reaction === 'none') return;
  const touchAt = reaction === 'fast' ? atMs + dice.int(20, 300) * MINUTE : atMs + dice.int(26, 100) * HOUR;
  if (dice.chance(0.7)) t.add('email_sent', touchAt);
  else t.add('call', touchAt, { outcome: dice.pick(['connected', 'voicemail', 'no-answer']) });
  if (dice.chance(0.35)) t.add('meeting_booked', touchAt + dice.int(1, 48) * HOUR);
}

function journeyEvents(journey: Journey, t: Timeline, dice: Dice, archetype: Archetype): Outcome {
  switch (journey) {
    case 'dormant': {
      const n = dice.int(0, 4);
      for (let i = 0; i < n; i++) {
        if (dice.chance(0.6)) t.add('page_view', t.daysAgo(95, HISTORY_DAYS), pageView(dice, 'blog')());
        else t.add('email_open', t.daysAgo(95, HISTORY_DAYS), campaign(dice)());
      }
      return { leadSource: dice.weighted([['organic-search', 5], ['paid-social', 2], ['social', 2], ['direct', 2]]) };
    }
    case 'newsletter': {
      const since = dice.int(20, HISTORY_DAYS);
      t.add('form_submit', t.daysAgo(since, since), { form: 'newsletter' });
      browse(t, dice, dice.int(0, 3), 0, since, dice.int(1, 6), dice.int(0, 3));
      if (archetype === 'student' && dice.chance(0.4)) t.spread(dice.int(2, 4), 0, 80, 'page_view', pageView(dice, 'careers'));
      return { leadSource: dice.weighted([['organic-search', 5], ['social', 3], ['email', 2], ['direct', 2]]) };
    }
    case 'content': {
      browse(t, dice, dice.int(1, 7), 0, 150, dice.int(1, 5), dice.int(0, 4));
      const downloads = dice.int(1, 3);
      for (let i = 0; i < downloads; i++) downloadContent(t, dice, 2, 150);
      if (dice.chance(0.4)) attendWebinar(t, dice, 3, 160, dice.chance(0.6));
      if (dice.chance(0.3)) t.spread(dice.int(1, 4), 0, 60, 'page_view', pageView(dice, 'docs'));
      if (dice.chance(0.2)) t.spread(dice.int(1, 2), 0, 40, 'page_view', pageView(dice, 'pricing'));
      if (archetype === 'student' && dice.chance(0.5)) t.spread(dice.int(2, 5), 0, 80, 'page_view', pageView(dice, 'careers'));
      return { leadSource: dice.weighted([['organic-search', 4], ['paid-search', 3], ['paid-social', 2], ['email', 2], ['event', 1]]) };
    }
    case 'active': {
      browse(t, dice, dice.int(4, 12), 0, 45, dice.int(2, 6), dice.int(2, 6));
      // A few heavy readers: the cap of MAX_EVENTS_PER_LEAD trims them.
      if (dice.chance(0.07)) t.spread(dice.int(35, 60), 0, 120, 'page_view', pageView(dice, 'blog'));
      t.spread(dice.int(0, 4), 0, 28, 'page_view', pageView(dice, 'pricing'));
      t.spread(dice.int(0, 6), 0, 45, 'page_view', pageView(dice, 'docs'));
      browse(t, dice, dice.int(0, 4), 46, HISTORY_DAYS, dice.int(0, 3), 0);
      for (let i = dice.int(0, 2); i > 0; i--) attendWebinar(t, dice, 1, 90, true);
      for (let i = dice.int(1, 2); i > 0; i--) downloadContent(t, dice, 1, 80);
      if (dice.chance(0.2)) t.add('email_reply', t.daysAgo(0, 30));
      return { leadSource: dice.weighted([['organic-search', 3], ['paid-search', 2], ['email', 2], ['event', 2], ['referral', 1]]) };
    }
    case 'handRaiser': {
      browse(t, dice, dice.int(2, 8), 0, 120, dice.int(1, 5), dice.int(0, 4));
      // A quarter raised their hand in the last day and a half: their first-touch clocks are running.
      const raisedAt = dice.chance(0.25) ? t.minutesAgo(30, 36 * 60) : t.daysAgo(1, 25);
      t.add('page_view', raisedAt - dice.int(2, 40) * MINUTE, { url: `${SITE}/pricing` });
      if (dice.chance(0.5)) t.add('page_view', raisedAt - dice.int(1, 6) * DAY, { url: `${SITE}/pricing` });
      if (dice.chance(0.5)) t.add('form_submit', raisedAt, { form: 'contact-sales' });
      t.add('demo_requested', raisedAt);
      salesResponse(t, dice, raisedAt);
      return { leadSource: dice.weighted([['organic-search', 3], ['paid-search', 3], ['referral', 2], ['partner', 1], ['direct', 2]]) };
    }
    case 'trial': {
      const signupDaysAgo = dice.int(2, 70);
      const signupAt = t.daysAgo(signupDaysAgo, signupDaysAgo);
      t.add('form_submit', signupAt, { form: 'trial-signup' });
      t.add('trial_signup', signupAt, { plan: dice.weighted(PLANS) });
      const busy = dice.chance(0.6);
      t.spread(busy ? dice.int(5, 22) : dice.int(0, 4), 0, signupDaysAgo, 'product_login');
      t.spread(dice.int(1, 6), 0, signupDaysAgo, 'page_view', pageView(dice, 'docs'));
      browse(t, dice, dice.int(1, 4), signupDaysAgo, HISTORY_DAYS, dice.int(0, 4), dice.int(0, 2));
      if (dice.chance(0.3)) t.add('page_view', t.daysAgo(0, 20), { url: `${SITE}/pricing` });
      return {
        trialActive: signupDaysAgo <= 30 ? dice.chance(0.9) : dice.chance(0.3),
        leadSource: dice.weighted([['product', 5], ['organic-search', 3], ['referral', 1]]),
      };
    }
    case 'unsubscribed': {
      const since = dice.int(10, HISTORY_DAYS);
      browse(t, dice, dice.int(0, 6), since, HISTORY_DAYS, dice.int(2, 8), dice.int(0, 2));
      if (dice.chance(0.5)) downloadContent(t, dice, since, HISTORY_DAYS);
      t.add('unsubscribe', t.daysAgo(since, since));
      t.spread(dice.int(0, 3), 0, since, 'page_view', pageView(dice, 'blog'));
      return { leadSource: dice.weighted([['paid-social', 2], ['email', 2], ['event', 1]]) };
    }
    case 'worked':
      return workedJourney(t, dice);
  }
}

/** Events a rep reacts to: the moments a lead usually crosses into MQL. */
const BUYING_SIGNALS = new Set(['content_download', 'webinar_attended', 'trial_signup']);

/**
 * Reps work the MQL queue: for most leads with buying signals a rep writes or calls after a
 * signal, usually within hours (the first-touch SLA met), sometimes days later (late); the rest
 * wait (ok, warning or breached, by age).
 */
function followUpSignals(t: Timeline, dice: Dice): void {
  const rep = dice.weighted([['prompt', 45], ['slow', 20], ['none', 35]] as const);
  if (rep === 'none') return;
  const signals = t.planned.filter((e) => BUYING_SIGNALS.has(e.type) || (e.type === 'page_view' && e.props?.url?.includes('/pricing')));
  for (const signal of signals) {
    if (!dice.chance(0.8)) continue;
    const at = rep === 'prompt' ? signal.ms + dice.int(20, 240) * MINUTE : signal.ms + dice.int(2, 5) * DAY + dice.int(0, 8 * 60) * MINUTE;
    if (dice.chance(0.75)) t.add('email_sent', at);
    else t.add('call', at, { outcome: dice.pick(['connected', 'voicemail', 'no-answer']) });
  }
}

/** A lead Sales has worked: recorded in the CRM as sal, sql, opportunity or customer. */
function workedJourney(t: Timeline, dice: Dice): Outcome {
  const stage = dice.weighted<RecordedStage>([['sal', 35], ['sql', 25], ['opportunity', 22], ['customer', 18]]);
  // When the recorded stage was entered: accepted MQLs are recent, customers are older.
  const enteredAt =
    stage === 'sal'
      ? dice.chance(0.3) ? t.minutesAgo(60, 40 * 60) : t.daysAgo(2, 14)
      : stage === 'sql' ? t.daysAgo(1, 60) : stage === 'opportunity' ? t.daysAgo(5, 120) : t.daysAgo(20, 170);
  const handRaisedAt = enteredAt - dice.int(4, 72) * HOUR;
  // The history that made them an MQL.
  browse(t, dice, dice.int(2, 8), (t.nowMs - handRaisedAt) / DAY, HISTORY_DAYS, dice.int(1, 5), dice.int(1, 4));
  if (dice.chance(0.6)) downloadContent(t, dice, (t.nowMs - handRaisedAt) / DAY, HISTORY_DAYS);
  if (dice.chance(0.4)) attendWebinar(t, dice, (t.nowMs - handRaisedAt) / DAY, HISTORY_DAYS, true);
  t.add('page_view', handRaisedAt - 30 * MINUTE, { url: `${SITE}/pricing` });
  if (dice.chance(0.7)) t.add('demo_requested', handRaisedAt);
  else t.add('form_submit', handRaisedAt, { form: 'contact-sales' });
  t.add('email_sent', handRaisedAt + dice.int(30, 400) * MINUTE);

  const outcome: Outcome = { stage, stageEnteredAtMs: enteredAt, worked: true, leadSource: dice.weighted([['referral', 2], ['partner', 1], ['organic-search', 3], ['paid-search', 2], ['outbound', 2], ['event', 1]]) };
  if (stage === 'sal') {
    const call = dice.weighted([['onTime', 45], ['late', 15], ['voicemail', 20], ['none', 20]] as const);
    if (call === 'onTime') t.add('call', enteredAt + dice.int(1, 20) * HOUR, { outcome: 'connected' });
    if (call === 'late') t.add('call', enteredAt + dice.int(3, 6) * DAY, { outcome: 'meeting-set' });
    if (call === 'voicemail') t.add('call', enteredAt + dice.int(1, 30) * HOUR, { outcome: 'voicemail' });
    outcome.timeline = dice.weighted([['this-quarter', 1], ['next-quarter', 2], ['this-year', 2], ['unknown', 3]]);
    return outcome;
  }
  // sql and beyond: qualified on a call before the stage was entered.
  t.add('call', enteredAt - dice.int(1, 48) * HOUR, { outcome: 'connected' });
  outcome.budgetConfirmed = dice.chance(stage === 'sql' ? 0.75 : 0.9);
  outcome.annualBudget = Math.round(dice.logUniform(12_000, 180_000) / 1000) * 1000;
  outcome.timeline = dice.weighted([['this-quarter', 3], ['next-quarter', 3], ['this-year', 1]]);
  const meeting = dice.weighted([['onTime', 60], ['late', 15], ['none', 25]] as const);
  if (meeting === 'onTime') t.add('meeting_booked', enteredAt + dice.int(2, 100) * HOUR);
  if (meeting === 'late') t.add('meeting_booked', enteredAt + dice.int(6, 12) * DAY);
  t.spread(dice.int(1, 6), (t.nowMs - enteredAt) / DAY - 1, (t.nowMs - handRaisedAt) / DAY, 'email_sent');
  t.spread(dice.int(0, 4), 0, (t.nowMs - enteredAt) / DAY, 'email_reply');
  if (stage === 'opportunity' || stage === 'customer') {
    t.spread(dice.int(2, 8), 0, (t.nowMs - enteredAt) / DAY, 'email_sent');
    t.spread(dice.int(1, 5), 0, (t.nowMs - enteredAt) / DAY, 'call', () => ({ outcome: dice.pick(['connected', 'connected', 'voicemail', 'no-answer']) }));
    t.spread(dice.int(1, 3), 0, (t.nowMs - enteredAt) / DAY, 'meeting_booked');
  }
  if (stage === 'customer') {
    t.spread(dice.int(8, 30), 0, (t.nowMs - enteredAt) / DAY, 'product_login');
    t.spread(dice.int(2, 12), 0, (t.nowMs - enteredAt) / DAY, 'page_view', pageView(dice, 'docs'));
  }
  return outcome;
}

/** Keeps at most MAX_EVENTS_PER_LEAD events, dropping low-value ones (views, opens) first. */
function capEvents(events: PlannedEvent[], dice: Dice): PlannedEvent[] {
  if (events.length <= MAX_EVENTS_PER_LEAD) return events;
  const lowValue = (e: PlannedEvent) => e.type === 'page_view' || e.type === 'email_open' || e.type === 'product_login';
  let excess = events.length - MAX_EVENTS_PER_LEAD;
  const kept: PlannedEvent[] = [];
  const offset = dice.int(0, 1);
  for (let i = 0; i < events.length; i++) {
    const event = itemAt(events, i);
    if (excess > 0 && lowValue(event) && (i + offset) % 2 === 0) excess--;
    else kept.push(event);
  }
  return kept.length > MAX_EVENTS_PER_LEAD ? kept.slice(kept.length - MAX_EVENTS_PER_LEAD) : kept;
}

// ---------------------------------------------------------------------------------------------
// One lead

const FREE_MAIL = ['gmail.com', 'gmail.com', 'gmail.com', 'outlook.com', 'hotmail.com', 'yahoo.com', 'icloud.com', 'proton.me', 'gmx.de'];

function emailLocalPart(dice: Dice, first: string, last: string): string {
  const f = slugify(first).replace(/-/g, '');
  const l = slugify(last).replace(/-/g, '');
  return dice.weighted([
    [`${f}.${l}`, 55],
    [`${f.charAt(0)}${l}`, 20],
    [f, 10],
    [`${f}_${l}`, 5],
    [`${l}.${f}`, 10],
  ]);
}

function linkedinSlug(dice: Dice, first: string, last: string): string {
  const base = slugify(`${first} ${last}`);
  return dice.chance(0.7) ? `${base}-${dice.int(0x10000000, 0xffffffff).toString(16)}` : dice.chance(0.5) ? base.replace(/-/g, '') : `${base}-${dice.int(1, 99)}`;
}

/** Copies the defined entries only, in the given order (the JSONL's stable key order). */
function compact<T extends object>(entries: T): T {
  const out: Record<string, unknown> = {};
  for (const key in entries) if (entries[key] !== undefined) out[key] = entries[key];
  return out as T;
}

function makeLead(index: number, seed: number, nowMs: number, pool: CompanyPool): Lead {
  const dice = new Dice(mixSeed(seed, index));
  const archetype = dice.weighted(ARCHETYPES);

  const company =
    archetype === 'competitor'
      ? dice.pick(COMPETITORS)
      : archetype === 'student'
        ? dice.chance(0.6) ? dice.pick(UNIVERSITIES) : null
        : archetype === 'executive' || (archetype === 'dataLeader' && dice.chance(0.7))
          ? dice.pick(pool.large)
          : archetype === 'founder'
            ? dice.pick(pool.small)
            : dice.pick(pool.all);

  const culture = company && dice.chance(0.75) ? company.culture : dice.pick(CULTURE_IDS);
  const names = CULTURES[culture] ?? itemAt(Object.values(CULTURES), 0);
  const first = dice.pick(names.first);
  const last = dice.pick(names.last);

  const roleOf = archetype === 'unknown' ? null : dice.pick(ROLES[archetype]);
  const seniority = roleOf ? (dice.chance(0.7) ? roleOf.seniority : undefined) : (dice.weighted(UNKNOWN_SENIORITY) ?? undefined);

  const freeMail = !company || company.competitor ? dice.chance(0.3) : dice.chance(archetype === 'student' ? 0.7 : 0.1);
  const local = emailLocalPart(dice, first, last);
  const email = dice.chance(0.03)
    ? null // found on LinkedIn or at an event, no address yet
    : freeMail || !company ? `${local}${dice.int(1, 99)}@${dice.pick(FREE_MAIL)}` : `${local}@${company.domain}`;
  const emails = email && !freeMail && dice.chance(0.1) ? [`${slugify(first)}.${slugify(last).replace(/-/g, '')}${dice.int(1, 99)}@${dice.pick(FREE_MAIL)}`] : undefined;

  const timeline = new Timeline(dice, nowMs);
  const journey = dice.weighted(JOURNEYS[archetype]);
  const outcome = journeyEvents(journey, timeline, dice, archetype);
  if (journey === 'content' || journey === 'active' || journey === 'trial') followUpSignals(timeline, dice);
  // A few leads have activity stamped just after `now` (clock skew, imports from another zone).
  if (dice.chance(0.015)) {
    const at = nowMs + dice.int(1, 3 * 24 * 60) * MINUTE;
    const type = dice.pick(['page_view', 'email_open', 'meeting_booked']);
    timeline.addInFuture(type, at, type === 'page_view' ? { url: `${SITE}/pricing` } : type === 'email_open' ? campaign(dice)() : undefined);
  }
  const planned = capEvents(timeline.planned.sort((a, b) => a.ms - b.ms), dice);
  const firstEventMs = planned[0]?.ms;
  const events = planned.map((e) => makeEvent(e.type, e.ms, e.props));
  // Some CRMs list activity newest first; the engine must not care.
  if (dice.chance(0.05)) events.reverse();

  const createdAtMs = firstEventMs !== undefined ? firstEventMs - dice.int(0, 20 * 24 * 60) * MINUTE : nowMs - dice.int(1, 400) * DAY;
  const createdAt = isoSeconds(Math.min(createdAtMs, outcome.stageEnteredAtMs ?? createdAtMs));

  // Stages recorded in the CRM: Sales' stages for worked leads; a CRM lifecycle value for some others.
  let stage: string | undefined;
  let stageEnteredAt: string | undefined;
  if (outcome.stage) {
    stage = outcome.stage;
    if (dice.chance(0.8) && outcome.stageEnteredAtMs !== undefined) stageEnteredAt = isoSeconds(outcome.stageEnteredAtMs);
  } else if (dice.chance(0.015)) {
    stage = 'mql'; // marked MQL by hand in the CRM, with no date
  } else if (dice.chance(0.15)) {
    stage = dice.chance(0.5) ? 'subscriber' : 'lead';
    stageEnteredAt = createdAt;
  }

  const owner = outcome.worked || journey === 'handRaiser' ? (dice.chance(0.9) ? dice.pick(REP_LOGINS) : undefined) : dice.chance(0.2) ? dice.pick(REP_LOGINS) : undefined;

  const properties = compact({
    lead_source: outcome.leadSource,
    seniority,
    department: roleOf && dice.chance(0.6) ? roleOf.department : undefined,
    tech_stack: company?.techStack && dice.chance(0.85) ? company.techStack : undefined,
    marketing_consent: journey === 'unsubscribed' ? false : dice.chance(0.85) ? true : undefined,
    trial_active: outcome.trialActive,
    competitor_customer: archetype === 'competitor' ? undefined : dice.chance(0.07) ? true : dice.chance(0.2) ? false : undefined,
    budget_confirmed: outcome.budgetConfirmed,
    annual_budget: outcome.annualBudget,
    timeline: outcome.timeline ?? (dice.chance(0.08) ? dice.pick(['no-timeline', 'this-year', 'unknown']) : undefined),
  });

  const hasTitle = roleOf !== null && !dice.chance(0.04);
  return compact<Lead>({
    id: `lead-${String(index + 1).padStart(6, '0')}`,
    email,
    emails,
    linkedin: dice.chance(0.75) ? linkedinSlug(dice, first, last) : undefined,
    name: `${first} ${last}`,
    title: hasTitle && roleOf ? roleOf.title : undefined,
    company: company
      ? compact({
          name: company.name,
          domain: company.domain,
          employees: company.employees ?? undefined,
          industry: company.industry ?? undefined,
          country: company.country,
          revenue: company.revenue ?? undefined,
        })
      : undefined,
    properties: dice.chance(0.01) ? undefined : properties,
    events,
    stage,
    stageEnteredAt,
    createdAt,
    owner,
  });
}

/** Parses `now` (a Date, an ISO string or epoch milliseconds) or throws a one-line error. */
export function parseNow(now: Date | string | number): number {
  // Text is read as the engine reads instants: ISO only, and a time without a zone as UTC, never the machine's zone.
  const ms = now instanceof Date ? now.getTime() : typeof now === 'number' ? now : parseInstant(now);
  if (!Number.isFinite(ms)) throw new RangeError(`not a date and time: ${String(now)}`);
  return ms;
}

/** Generates `count` invented leads, lazily, one at a time. */
export function* generateLeads({ seed, count, now }: GenerateLeadsOptions): Generator<Lead> {
  if (!Number.isInteger(seed)) throw new RangeError(`the seed must be an integer, not ${seed}`);
  if (!Number.isInteger(count) || count < 0) throw new RangeError(`the count must be a whole number, not ${count}`);
  const nowMs = parseNow(now);
  const pool = makeCompanyPool(seed | 0);
  for (let index = 0; index < count; index++) yield makeLead(index, seed | 0, nowMs, pool);
}

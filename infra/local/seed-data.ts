import type { Role } from '#shared/core/principal';
import type { CreateCustomer } from '#shared/customers/schemas';

/**
 * The demo organisation: 2 sales regions with 4 teams, a vp, 2 directors, 4 managers, 12 reps, finance, ~60 customers;
 * and at head office a finance team and a legal team with a manager each.
 */
export const regions = [
  { id: 'east', name: 'East China 华东' },
  { id: 'south', name: 'South China 华南' },
  // Head office: where the departments sales works with sit (no director, no sales teams).
  { id: 'hq', name: 'Head Office 总部' },
];

export const productLines = [
  { id: 'crm-suite', name: 'CRM Suite', code: 'CRM' },
  { id: 'analytics', name: 'Analytics', code: 'ANA' },
  { id: 'services', name: 'Professional Services', code: 'SVC' },
];

export const teams = [
  { id: 'east-enterprise', name: 'East Enterprise', regionId: 'east', managerId: 'manager-east-enterprise' },
  { id: 'east-commercial', name: 'East Commercial', regionId: 'east', managerId: 'manager-east-commercial' },
  { id: 'south-enterprise', name: 'South Enterprise', regionId: 'south', managerId: 'manager-south-enterprise' },
  { id: 'south-commercial', name: 'South Commercial', regionId: 'south', managerId: 'manager-south-commercial' },
];

/** Departments sales sends cross-department requests to (one manager each, no reps, so no customers). */
export const departmentTeams = [
  { id: 'finance-ops', name: 'Finance Operations', regionId: 'hq', managerId: 'manager-finance-ops', department: 'finance' as const, managerName: 'Fei Ren (Finance Manager)' },
  { id: 'legal', name: 'Legal', regionId: 'hq', managerId: 'manager-legal', department: 'legal' as const, managerName: 'Lan Shi (Legal Counsel)' },
];

const REP_NAMES = ['Li Wei', 'Wang Fang', 'Zhang Min', 'Liu Yang', 'Chen Jing', 'Yang Lei', 'Zhao Li', 'Huang Tao', 'Zhou Xin', 'Wu Hao', 'Xu Lin', 'Sun Qiang'];

export interface SeedUser {
  id: string;
  name: string;
  email: string;
  roles: Role[];
  teamId?: string;
  regionId?: string;
  managerId?: string;
}

const user = (id: string, name: string, roles: Role[], place: { teamId?: string; regionId?: string; managerId?: string } = {}): SeedUser => ({
  id,
  name,
  email: `${id}@pentad.example`,
  roles,
  ...place,
});

export const users: SeedUser[] = [
  user('vp', 'Grace Lin (VP Sales)', ['vp']),
  user('finance', 'Frank Qian (Finance)', ['finance']),
  user('director-east', 'Diana Xu (Director East)', ['director'], { regionId: 'east', managerId: 'vp' }),
  user('director-south', 'David He (Director South)', ['director'], { regionId: 'south', managerId: 'vp' }),
  ...teams.map((team, i) =>
    user(team.managerId, `${['Mia Gao', 'Max Luo', 'Mei Tang', 'Ming Deng'][i]} (Manager)`, ['manager'], { teamId: team.id, managerId: `director-${team.regionId}` }),
  ),
  ...teams.flatMap((team, t) =>
    [1, 2, 3].map((n) => user(`rep-${team.id}-${n}`, REP_NAMES[t * 3 + n - 1]!, ['rep'], { teamId: team.id, managerId: team.managerId })),
  ),
  ...departmentTeams.map((team) => user(team.managerId, team.managerName, ['manager'], { teamId: team.id })),
];

const INDUSTRIES = ['Manufacturing', 'Retail', 'Healthcare', 'Logistics', 'Finance', 'Education'];
const COMPANY_WORDS = ['Jade', 'Harbor', 'Summit', 'Lotus', 'Pioneer', 'Bamboo', 'Crane', 'Silk', 'Phoenix', 'Orchid'];
const SUFFIXES = ['Technologies', 'Trading', 'Industries', 'Holdings', 'Logistics', 'Medical'];
const TIERS = ['A', 'B', 'C', 'C', 'D'] as const;
const CREDIT = ['A', 'B', 'B', 'C', 'D'] as const;

/** Five customers per rep, deterministic so demo screenshots and tests agree. */
export function customersFor(repIds: string[]): CreateCustomer[] {
  return repIds.flatMap((ownerId, r) =>
    [0, 1, 2, 3, 4].map((n) => {
      const i = r * 5 + n;
      const name = `${COMPANY_WORDS[i % COMPANY_WORDS.length]} ${SUFFIXES[(i * 7) % SUFFIXES.length]} ${String(i + 1).padStart(2, '0')}`;
      const contactName = `${['Ada', 'Ben', 'Cai', 'Dan', 'Eva'][n]} ${['Ma', 'Hu', 'Lu', 'Ye', 'Fu'][r % 5]}`;
      return {
        name,
        ownerId,
        industry: INDUSTRIES[i % INDUSTRIES.length],
        taxId: `91310000${String(100000 + i * 37).padStart(10, '0')}`,
        tier: TIERS[i % TIERS.length],
        creditRating: CREDIT[(i * 3) % CREDIT.length],
        tags: i % 4 === 0 ? ['key-account'] : [],
        contacts: [
          {
            name: contactName,
            title: ['Purchasing Manager', 'CIO', 'Head of Sales Ops', 'CFO', 'Operations Director'][n],
            email: `${contactName.toLowerCase().replace(' ', '.')}@customer${i + 1}.example`,
            phone: `+86 21 5555 ${String(1000 + i).slice(-4)}`,
            birthday: `--${String((i % 12) + 1).padStart(2, '0')}-${String((i % 27) + 1).padStart(2, '0')}`,
          },
        ],
      };
    }),
  );
}

import { z } from 'zod';
import { ROLES } from '#shared/core/principal';
import { email, entityId, name, slugId, shortText } from '#shared/core/schemas';

export const DEPARTMENTS = ['sales', 'finance', 'legal', 'delivery', 'product', 'support', 'marketing'] as const;

export const roleList = z.array(z.enum(ROLES)).min(1).max(ROLES.length);

export const createRegion = z.strictObject({ id: slugId.optional(), name });
export const createProductLine = z.strictObject({ id: slugId.optional(), name, code: shortText.max(20).optional() });
export const createTeam = z.strictObject({
  id: slugId.optional(),
  name,
  regionId: entityId,
  managerId: entityId.optional(),
  department: z.enum(DEPARTMENTS).default('sales'),
});
export const patchTeam = z
  .strictObject({ name: name.optional(), managerId: entityId.nullable().optional(), department: z.enum(DEPARTMENTS).optional() })
  .refine((patch) => Object.keys(patch).length > 0, { message: 'Send at least one field to change' });
export const createUser = z.strictObject({
  id: slugId.optional(),
  name,
  email,
  roles: roleList,
  teamId: entityId.optional(),
  regionId: entityId.optional(),
  managerId: entityId.optional(),
});
export const patchUser = z
  .strictObject({
    name: name.optional(),
    email: email.optional(),
    roles: roleList.optional(),
    teamId: entityId.nullable().optional(),
    regionId: entityId.nullable().optional(),
    managerId: entityId.nullable().optional(),
    active: z.boolean().optional(),
  })
  .refine((patch) => Object.keys(patch).length > 0, { message: 'Send at least one field to change' });

export type CreateRegion = z.infer<typeof createRegion>;
export type CreateProductLine = z.infer<typeof createProductLine>;
export type CreateTeam = z.infer<typeof createTeam>;
export type CreateUser = z.infer<typeof createUser>;
export type PatchTeam = z.infer<typeof patchTeam>;
export type PatchUser = z.infer<typeof patchUser>;

export interface Region { id: string; name: string; createdAt: string }
export interface ProductLine { id: string; name: string; code?: string; createdAt: string }
export interface Team {
  id: string;
  name: string;
  regionId: string;
  managerId?: string;
  department: (typeof DEPARTMENTS)[number];
  version: number;
  createdAt: string;
  updatedAt: string;
}
export interface User {
  id: string;
  name: string;
  email: string;
  roles: (typeof ROLES)[number][];
  teamId?: string;
  regionId?: string;
  managerId?: string;
  active: boolean;
  version: number;
  createdAt: string;
  updatedAt: string;
}

/** Response shapes (documentation of what the API answers). */
export const regionView = z.object({ id: z.string(), name: z.string(), createdAt: z.string() });
export const productLineView = regionView.extend({ code: z.string().optional() });
export const teamView = z.object({
  id: z.string(),
  name: z.string(),
  regionId: z.string(),
  managerId: z.string().optional(),
  department: z.enum(DEPARTMENTS),
  version: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export const userView = z.object({
  id: z.string(),
  name: z.string(),
  email: z.string(),
  roles: z.array(z.enum(ROLES)),
  teamId: z.string().optional(),
  regionId: z.string().optional(),
  managerId: z.string().optional(),
  active: z.boolean(),
  version: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export const teamWithMembersView = teamView.extend({ members: z.array(userView) });

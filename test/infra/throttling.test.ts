import { describe, expect, it } from 'vitest';
import { UPLOAD_ROUTES } from '#functions/api/middleware';
import { IMPORT_ROUTES, THROTTLE } from '#infra/constructs/api';
import { resourcesOf, synth } from './synth.ts';

/** In AWS, API Gateway throttles (Lambda containers share no limiter): the stage as a whole, the CSV imports tighter. */
const template = synth();
const [[, stage]] = resourcesOf(template, 'AWS::ApiGatewayV2::Stage');

describe('API Gateway throttling', () => {
  it('the $default stage has a default rate and burst for every route', () => {
    expect(stage!.Properties!.StageName).toBe('$default');
    expect(stage!.Properties!.DefaultRouteSettings).toMatchObject({ ThrottlingRateLimit: THROTTLE.stage.rateLimit, ThrottlingBurstLimit: THROTTLE.stage.burstLimit });
    expect(THROTTLE.stage.rateLimit).toBeGreaterThan(0);
  });

  it('every route that starts an import is its own JWT route with a tighter limit than the stage', () => {
    const keys = IMPORT_ROUTES.map((path) => `POST ${path}`);
    // The CSV-body routes (exempt from the 1 MiB body limit) and the signed-upload pair.
    expect(keys).toEqual(expect.arrayContaining([...UPLOAD_ROUTES, 'POST /imports/uploads', 'POST /imports/uploads/{id}/start']));
    const routes = resourcesOf(template, 'AWS::ApiGatewayV2::Route').map(([id, route]) => ({ id, ...(route.Properties as { RouteKey: string; AuthorizationType: string }) }));
    const settings = stage!.Properties!.RouteSettings as Record<string, { ThrottlingRateLimit: number; ThrottlingBurstLimit: number }>;
    expect(Object.keys(settings).sort()).toEqual([...keys].sort());
    for (const key of keys) {
      const route = routes.find((r) => r.RouteKey === key);
      expect(route?.AuthorizationType, key).toBe('JWT');
      expect(settings[key]!.ThrottlingRateLimit).toBeLessThan(THROTTLE.stage.rateLimit);
      expect(settings[key]!.ThrottlingBurstLimit).toBeLessThan(THROTTLE.stage.burstLimit);
      // CloudFormation must create the route before the stage names it.
      expect(stage as { DependsOn?: string[] }).toHaveProperty('DependsOn', expect.arrayContaining([route!.id]));
    }
  });
});

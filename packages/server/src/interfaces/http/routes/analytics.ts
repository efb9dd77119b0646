import { OverviewView } from '@careloop/contracts';
import { errorResponses } from '../openapi.ts';
import { requireStaff, staffScope } from '../session.ts';
import type { Routes } from '../types.ts';
import { wire } from '../wire.ts';

export const analyticsRoutes: Routes = (app, { careloop }) => {
  app.get(
    '/api/overview',
    {
      schema: {
        tags: ['analytics'],
        summary:
          'Key figures for the home screen: patients, visits in the last 12 months by month and branch, consents by purpose, upcoming appointments',
        response: { 200: OverviewView, ...errorResponses(401, 403) },
      },
      preHandler: requireStaff(),
    },
    async (req) => wire(await careloop.analytics.overview(staffScope(req, 'analytics.aggregate'))),
  );
};

import type { Readable } from 'node:stream';
import {
  IdParams,
  ImportBatchView,
  ImportPreviewView,
  ImportQuery,
  ImportReportView,
  Ok,
  QuarantineFix,
  QuarantineFixResult,
  QuarantineItemView,
  QuarantineQuery,
  Reason,
} from '@careloop/contracts';
import type { FastifyRequest } from 'fastify';
import Type from 'typebox';
import { errorResponses } from '../openapi.ts';
import { requireStaff, staffScope } from '../session.ts';
import type { Routes } from '../types.ts';
import { wire } from '../wire.ts';

const tags = ['imports'];
const importers = requireStaff('owner', 'front_desk');
/** Uploads are files of up to 512 MiB streamed straight into the reader: memory stays flat. */
const UPLOAD_LIMIT = 512 * 1024 * 1024;

const fileName = (req: FastifyRequest): string => {
  const h = req.headers['x-file-name'];
  try {
    return typeof h === 'string' && h ? decodeURIComponent(h).slice(0, 200) : 'upload';
  } catch {
    return 'upload';
  }
};

export const importRoutes: Routes = (app, { careloop }) => {
  // The file is the request body as sent; the route reads it as a stream.
  for (const type of [
    'application/octet-stream',
    'text/csv',
    'application/fhir+json',
    'application/x-ndjson',
  ]) {
    app.addContentTypeParser(type, { bodyLimit: UPLOAD_LIMIT }, (_req, payload, done) => done(null, payload));
  }

  app.post(
    '/api/imports',
    {
      bodyLimit: UPLOAD_LIMIT,
      schema: {
        tags,
        summary:
          'Import a file (CSV, XLSX, FHIR bundle or NDJSON) sent as the request body; the name in x-file-name',
        querystring: ImportQuery,
        response: { 200: ImportReportView, ...errorResponses(400, 401, 403, 413, 415, 422) },
      },
      preHandler: importers,
    },
    async (req) => {
      const q = req.query;
      const report = await careloop.imports.run(staffScope(req, 'registry.operations'), {
        source: req.body as Readable,
        fileName: fileName(req),
        ...(q.source ? { sourceName: q.source } : {}),
        ...(q.encoding ? { encoding: q.encoding } : {}),
        ...(q.mapping ? { mapping: q.mapping } : {}),
        ...(q.saveMapping ? { saveMapping: true } : {}),
        resolveIdentities: true,
      });
      return wire(report);
    },
  );

  app.post(
    '/api/imports/preview',
    {
      bodyLimit: UPLOAD_LIMIT,
      schema: {
        tags,
        summary: 'Detected format, encoding, delimiter and mapping, with the first rows, before importing',
        querystring: ImportQuery,
        response: { 200: ImportPreviewView, ...errorResponses(400, 401, 403, 415, 422) },
      },
      preHandler: importers,
    },
    async (req) => {
      const p = await careloop.imports.preview(staffScope(req, 'registry.operations'), req.body as Readable, {
        fileName: fileName(req),
        ...(req.query.mapping ? { mapping: req.query.mapping } : {}),
        ...(req.query.encoding ? { encoding: req.query.encoding } : {}),
      });
      return {
        format: p.meta.format,
        encoding: p.meta.encoding?.encoding ?? null,
        delimiter: p.meta.delimiter?.delimiter ?? null,
        columns: p.meta.mapping.columns.map((c) => ({ name: c.name, field: c.field, how: c.how })),
        rows: p.rows.map((r) => ({
          rowNo: r.rowNo,
          fields: wire(r.fields) as Record<string, string>,
          problems: r.problems.map((x) => x.code),
        })),
      };
    },
  );

  app.get(
    '/api/imports',
    {
      schema: {
        tags,
        summary: 'Import batches with their counts',
        response: { 200: Type.Array(ImportBatchView), ...errorResponses(401, 403) },
      },
      preHandler: importers,
    },
    async (req) => wire(await careloop.imports.batches(staffScope(req, 'registry.operations'))),
  );

  app.get(
    '/api/imports/quarantine',
    {
      schema: {
        tags,
        summary: 'Rows that were not taken as they were, with the reasons and the row as read',
        querystring: QuarantineQuery,
        response: { 200: Type.Array(QuarantineItemView), ...errorResponses(401, 403) },
      },
      preHandler: importers,
    },
    async (req) =>
      wire(await careloop.imports.quarantine(staffScope(req, 'registry.operations'), wire(req.query))),
  );

  app.post(
    '/api/imports/quarantine/:id/fix',
    {
      schema: {
        tags,
        summary: 'Re-process a quarantined row with corrected values',
        params: IdParams,
        body: QuarantineFix,
        response: { 200: QuarantineFixResult, ...errorResponses(400, 401, 403, 404, 409) },
      },
      preHandler: importers,
    },
    async (req) =>
      wire(
        await careloop.imports.fix(
          staffScope(req, 'registry.operations'),
          req.params.id,
          wire(req.body.fields),
        ),
      ),
  );

  app.post(
    '/api/imports/quarantine/:id/dismiss',
    {
      schema: {
        tags,
        summary: 'Set a quarantined row aside, with the reason',
        params: IdParams,
        body: Reason,
        response: { 200: Ok, ...errorResponses(400, 401, 403, 404) },
      },
      preHandler: importers,
    },
    async (req) => {
      await careloop.imports.dismiss(staffScope(req, 'registry.operations'), req.params.id, req.body.reason);
      return { ok: true as const };
    },
  );
};

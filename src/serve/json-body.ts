/**
 * The JSON body parser of the admin API and the explorer's API: express reads the text (up to
 * the size limit), the depth-guarded reader parses it (protocol/safe-json.ts). Problems come out
 * as errors with a 4xx `status`, which both servers' error handlers answer as they answer
 * express's own body errors.
 */
import express, { type NextFunction, type Request, type Response } from 'express';
import { JsonTextError, readJson } from '../protocol/safe-json.js';

/** A body the reader refused: `type` is body-parser's, so the handlers word it as they word its errors. */
class JsonBodyError extends Error {
  readonly status = 400;
  readonly expose = true;
  constructor(
    message: string,
    readonly type: 'entity.parse.failed' | 'entity.too.deep',
  ) {
    super(message);
  }
}

/** Parses `application/json` bodies into `req.body`; other requests pass with `req.body` untouched. */
export function jsonBody(maxBytes: number) {
  const text = express.text({
    type: (req) => /^application\/json\s*(;|$)/i.test(req.headers['content-type'] ?? ''),
    limit: maxBytes,
  });
  return (req: Request, res: Response, next: NextFunction): void => {
    text(req, res, (error?: unknown) => {
      if (error !== undefined) return next(error);
      const body: unknown = req.body;
      if (typeof body !== 'string') return next();
      if (body === '') {
        req.body = undefined;
        return next();
      }
      try {
        req.body = readJson(body, { maxBytes });
      } catch (problem) {
        if (!(problem instanceof JsonTextError)) return next(problem);
        return next(
          problem.reason === 'syntax'
            ? new JsonBodyError('the body is not valid JSON', 'entity.parse.failed')
            : new JsonBodyError(`body: ${problem.message}`, 'entity.too.deep'),
        );
      }
      next();
    });
  };
}

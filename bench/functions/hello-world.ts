/**
 * Bench-only: the smallest function functions-framework can serve, for the cold-start table's
 * reference row (what the framework alone costs). Not part of the product.
 */
import { http } from '@google-cloud/functions-framework';

http('helloWorld', (_req, res) => {
  res.status(200).send('hello');
});

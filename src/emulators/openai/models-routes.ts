import type { Hono } from 'hono';
import type { OpenAiEmulatorEnv } from './emulator-context.js';
import { replyError } from './emulator-context.js';
import type { EmulatedOpenAiModel } from './openai-emulator-options.js';
import { OpenAiErrors } from './openai-error.js';

const modelJson = (model: EmulatedOpenAiModel) => ({ id: model.id, object: 'model' as const, created: model.created, owned_by: model.ownedBy });

/** `GET /v1/models` (`ListModelsResponse`) and `GET /v1/models/{model}` (`Model`). */
export function mountModelRoutes(app: Hono<OpenAiEmulatorEnv>, models: readonly EmulatedOpenAiModel[]): void {
  app.get('/v1/models', (c) => c.json({ object: 'list', data: models.map(modelJson) }));
  app.get('/v1/models/:model{.+}', (c) => {
    const id = c.req.param('model');
    const model = models.find((candidate) => candidate.id === id);
    return model === undefined ? replyError(c, OpenAiErrors.modelNotFound(id, 'model')) : c.json(modelJson(model));
  });
}

export { type HandoffTarget, handoffTarget } from './handoff-targets.js';
export { type HandoffOptions, type HandoffResult, normalizeHandoffMessages } from './normalize-handoff-messages.js';
export { ToolCallIdAllocator } from './tool-call-ids.js';

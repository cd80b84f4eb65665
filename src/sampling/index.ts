export { interpolateLatents, type InterpolateLatentsOptions } from './interpolateLatents.js';

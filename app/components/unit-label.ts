// A y axis's unit written level above the axis rather than turned beside it:
// a rotated title sat in the tick labels' space and crossed long ones. The
// chart leaves UNIT_LABEL_ROOM at its top for it.
import { AXIS } from './palette';

export const UNIT_LABEL_ROOM = 22;

export function unitLabel(unit: string) {
  return { value: unit, position: 'top' as const, offset: 10, fontSize: 11, fill: AXIS };
}

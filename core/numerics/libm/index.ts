/**
 * Bit-defined float64 elementary functions: ports of the fdlibm algorithms (Sun Microsystems, 1993)
 * that V8 11 uses for Math.exp, Math.log, …, written in plain IEEE-754 operations, so each returns
 * the same bits as Node 20's Math function for every argument and the same bits in every
 * JavaScript engine (browsers round some Math functions differently in the last bit: the ECMAScript
 * specification leaves their accuracy to the implementation). core/ and the CPU backend call these
 * instead of Math's, which is what makes a run in a page equal to the same run in Node bit for bit
 * (tests/core/libm-*.test.ts; tests/browser/e2e.test.ts). Math.sqrt, Math.abs, Math.floor, … are
 * exactly specified and stay as they are.
 */
import { acos } from './acos.js';
import { atan } from './atan.js';
import { cbrt } from './cbrt.js';
import { exp } from './exp.js';
import { expm1 } from './expm1.js';
import { hypot } from './hypot.js';
import { log } from './log.js';
import { log1p } from './log1p.js';
import { log2 } from './log2.js';
import { pow } from './pow.js';
import { cos, sin } from './sin-cos.js';
import { tan } from './tan.js';
import { tanh } from './tanh.js';

export { acos, atan, cbrt, cos, exp, expm1, hypot, log, log1p, log2, pow, sin, tan, tanh };

/** The functions as one table, the form core/ calls them in (`libm.exp(x)`). */
export const libm = Object.freeze({ acos, atan, cbrt, cos, exp, expm1, hypot, log, log1p, log2, pow, sin, tan, tanh });

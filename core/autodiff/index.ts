export { vjp, jvp, grad, valueAndGrad, jacobian, hessian } from './transforms.js';
export { bind, isTracer, type Primitive, ReverseTracer, ForwardTracer } from '../tensor/tracer.js';

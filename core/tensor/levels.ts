/**
 * Bookkeeping of active autodiff transforms. Each call of vjp/jvp opens a level with a fresh,
 * increasing id; nested transforms get higher ids (this is how perturbation confusion is avoided,
 * as in JAX's trace levels). A tracer whose level is no longer active has leaked out of its transform.
 */
let nextLevel = 1;
const active = new Set<number>();

export function openLevel(): number {
  const id = nextLevel++;
  active.add(id);
  return id;
}

export function closeLevel(id: number): void {
  active.delete(id);
}

export function isLevelActive(id: number): boolean {
  return active.has(id);
}

export function anyLevelActive(): boolean {
  return active.size > 0;
}

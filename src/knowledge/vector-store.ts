/** Thin wrapper over hnswlib-node so the rest of the code never touches the native addon directly. */
import hnswlib from 'hnswlib-node';

const { HierarchicalNSW } = hnswlib;

export interface Neighbour {
  label: number;
  similarity: number;
}

type Index = InstanceType<typeof HierarchicalNSW>;

const LARGE_INDEX = 20_000;

export class VectorStore {
  private constructor(
    private readonly index: Index,
    readonly dimensions: number,
    private added: number,
  ) {}

  /** An empty store; vectors are added one by one so a large base never holds them all in memory twice. */
  static create(capacity: number, dimensions: number): VectorStore {
    const index = new HierarchicalNSW('cosine', dimensions);
    // Inserting is most of a large build; past a few tens of thousands of vectors a narrower construction
    // search builds a third faster for a graph that still finds the 48 neighbours a query needs.
    const efConstruction = capacity > LARGE_INDEX ? 32 : 48;
    index.initIndex({ maxElements: Math.max(1, capacity), m: 12, efConstruction, randomSeed: 42 });
    index.setEf(64);
    return new VectorStore(index, dimensions, 0);
  }

  static load(path: string, dimensions: number, count: number): VectorStore {
    const index = new HierarchicalNSW('cosine', dimensions);
    index.readIndexSync(path);
    index.setEf(64);
    return new VectorStore(index, dimensions, count);
  }

  get count(): number {
    return this.added;
  }

  add(vector: number[], label: number): void {
    this.index.addPoint(vector, label);
    this.added++;
  }

  save(path: string): void {
    this.index.writeIndexSync(path);
  }

  search(query: number[], k: number, exclude?: ReadonlySet<number>): Neighbour[] {
    const available = this.added - (exclude?.size ?? 0);
    const n = Math.min(k, available);
    if (n <= 0) return [];
    const filter = exclude && exclude.size ? (label: number) => !exclude.has(label) : undefined;
    const { neighbors, distances } = this.index.searchKnn(query, n, filter);
    return neighbors.map((label, i) => ({ label, similarity: 1 - distances[i]! }));
  }
}

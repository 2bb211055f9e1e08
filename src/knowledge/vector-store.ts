/** Thin wrapper over hnswlib-node so the rest of the code never touches the native addon directly. */
import hnswlib from 'hnswlib-node';

const { HierarchicalNSW } = hnswlib;

export interface Neighbour {
  label: number;
  similarity: number;
}

export class VectorStore {
  private constructor(
    private readonly index: InstanceType<typeof HierarchicalNSW>,
    readonly dimensions: number,
    readonly count: number,
  ) {}

  static build(vectors: readonly number[][], dimensions: number): VectorStore {
    const index = new HierarchicalNSW('cosine', dimensions);
    index.initIndex({ maxElements: Math.max(1, vectors.length), m: 16, efConstruction: 100, randomSeed: 42 });
    vectors.forEach((v, label) => index.addPoint(v, label));
    index.setEf(96);
    return new VectorStore(index, dimensions, vectors.length);
  }

  static load(path: string, dimensions: number, count: number): VectorStore {
    const index = new HierarchicalNSW('cosine', dimensions);
    index.readIndexSync(path);
    index.setEf(96);
    return new VectorStore(index, dimensions, count);
  }

  save(path: string): void {
    this.index.writeIndexSync(path);
  }

  search(query: number[], k: number, exclude?: number): Neighbour[] {
    if (this.count === 0) return [];
    const n = Math.min(k, this.count - (exclude === undefined ? 0 : 1));
    if (n <= 0) return [];
    const filter = exclude === undefined ? undefined : (label: number) => label !== exclude;
    const { neighbors, distances } = this.index.searchKnn(query, n, filter);
    return neighbors.map((label, i) => ({ label, similarity: 1 - distances[i]! }));
  }
}

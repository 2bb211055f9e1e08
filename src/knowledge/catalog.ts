/** The topic catalog: the topics the knowledge base must cover, with their group and indicator. */
import { z } from 'zod';
import { GROUPS } from './schema.js';

export const CatalogFileSchema = z.object({
  topics: z.array(
    z.object({
      id: z.string().min(3),
      group: z.enum(GROUPS),
      indicator: z.string().min(3),
      title: z.string().min(3),
    }),
  ),
});
export type CatalogTopic = z.infer<typeof CatalogFileSchema>['topics'][number];

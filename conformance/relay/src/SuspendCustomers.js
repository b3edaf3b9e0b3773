// A bulk mutation as a Relay client sends it: dry run or not, the payload's
// customers update the store by their IDs.
import { graphql } from 'react-relay';

export const suspendCustomersMutation = graphql`
  mutation SuspendCustomersMutation($ids: [ID!]!, $reason: String, $dryRun: Boolean) {
    suspendCustomers(input: { ids: $ids, reason: $reason, dryRun: $dryRun }) {
      committed
      subscriptionsAffected
      customers {
        id
        status
        suspensions { source reason }
      }
      userErrors { code field message }
    }
  }
`;
